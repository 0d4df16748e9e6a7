-- Idempotency keys: an in-progress claim is held by one request (claim_token) for a lease that the request renews
-- while it runs; a claim whose lease ran out (its request died) is taken over by the next request with the same
-- body. A stored response that carries a secret is kept encrypted (sealed_body) or not at all (body_withheld).
ALTER TABLE idempotency_keys
    ADD COLUMN claim_token   UUID,
    ADD COLUMN lease_until   TIMESTAMPTZ,
    ADD COLUMN sealed_body   TEXT,
    ADD COLUMN body_withheld BOOLEAN NOT NULL DEFAULT false;

-- Claims taken before leases existed would stay "in progress" until purged: their lease is over.
UPDATE idempotency_keys SET lease_until = created_at WHERE status IS NULL;

-- Responses stored before this version were kept in clear, and some carry a secret shown once (a webhook
-- endpoint's signing secret): they are dropped. A retry of such a request within its 24 hours runs it again.
DELETE FROM idempotency_keys WHERE status IS NOT NULL;
