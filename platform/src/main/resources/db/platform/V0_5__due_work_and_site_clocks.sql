-- Due work and site time (docs/design.md, "Due work and site time").

-- Future work of the service: one row per pending item, keyed by (kind, key) (e.g. subscription.period_end of
-- sub_...), run by the DueWorkRunner once due_at is at or before the site's time. A runner claims items in batches
-- (FOR UPDATE SKIP LOCKED) by writing its lease; each item then runs in a transaction of its own that deletes it
-- (guarded by the lease token) and commits with the handler's writes. A failed try counts on the row and waits
-- until retry_at (wall time, doubling); after max-attempts the row stays as state 'failed' with its error (parked).
CREATE TABLE due_work (
    id          BIGSERIAL   PRIMARY KEY,
    site_id     TEXT        NOT NULL,
    livemode    BOOLEAN     NOT NULL,
    kind        TEXT        NOT NULL,
    key         TEXT        NOT NULL,
    due_at      TIMESTAMPTZ NOT NULL,
    payload     TEXT,
    state       TEXT        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
    lease_token UUID,
    lease_until TIMESTAMPTZ,
    retry_at    TIMESTAMPTZ,
    attempts    INTEGER     NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (kind, key)
);
-- the claim: pending items in due order
CREATE INDEX due_work_claim ON due_work (state, due_at);
-- one site's items (drain, next due, pending count of a test clock's step)
CREATE INDEX due_work_site ON due_work (site_id, due_at);

-- The simulated time of test-mode sites, written by the test clock (SiteClocks). No row: the site's time is the
-- wall clock. Frozen: simulated_at. Running: simulated_at + (wall - set_at_wall). activity grows whenever this
-- service processes due work of the site or applies an event of the site (the test clock's quiet check).
CREATE TABLE site_clocks (
    site_id      TEXT        PRIMARY KEY,
    simulated_at TIMESTAMPTZ NOT NULL,
    set_at_wall  TIMESTAMPTZ NOT NULL,
    frozen       BOOLEAN     NOT NULL,
    activity     BIGINT      NOT NULL DEFAULT 0
);

-- The site of each event (from its header), so a test clock can wait until a site's events are published.
ALTER TABLE outbox ADD COLUMN site_id TEXT;
CREATE INDEX outbox_site ON outbox (site_id);
ALTER TABLE outbox_parked ADD COLUMN site_id TEXT;

CREATE OR REPLACE FUNCTION outbox_release(ids BIGINT[]) RETURNS INTEGER AS $$
DECLARE
    released INTEGER;
BEGIN
    WITH moved AS (
        DELETE FROM outbox_parked WHERE id = ANY (ids) RETURNING *
    )
    INSERT INTO outbox (id, event_id, event_type, topic, message_key, schema_name, schema_fingerprint, payload,
                        created_at, site_id)
    SELECT id, event_id, event_type, topic, message_key, schema_name, schema_fingerprint, payload, created_at, site_id
      FROM moved;
    GET DIAGNOSTICS released = ROW_COUNT;
    RETURN released;
END;
$$ LANGUAGE plpgsql;
