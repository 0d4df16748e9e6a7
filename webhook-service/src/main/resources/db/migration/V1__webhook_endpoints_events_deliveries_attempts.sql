-- Webhook endpoints of each site, their signing secrets, the events received, one delivery per
-- (event, endpoint) and one row per HTTP attempt. Every row carries its site; every query is scoped by it.

CREATE TABLE webhook_endpoints (
    id              TEXT        PRIMARY KEY,
    site_id         TEXT        NOT NULL,
    url             TEXT        NOT NULL,
    description     TEXT,
    enabled_events  TEXT[]      NOT NULL CHECK (cardinality(enabled_events) > 0),
    metadata        JSONB       NOT NULL DEFAULT '{}',
    ordered         BOOLEAN     NOT NULL DEFAULT false,
    status          TEXT        NOT NULL CHECK (status IN ('enabled', 'disabled')),
    disabled_reason TEXT        CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
    -- the first failed attempt since the last successful one; null while healthy
    failing_since   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_endpoints_site ON webhook_endpoints (site_id, id DESC);

-- Signing secrets: the current one (expires_at null) and, after a rotation, the previous ones until
-- they expire; every active secret signs each attempt.
CREATE TABLE webhook_endpoint_secrets (
    id          TEXT        PRIMARY KEY,
    endpoint_id TEXT        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    secret      TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ
);
CREATE INDEX webhook_endpoint_secrets_endpoint ON webhook_endpoint_secrets (endpoint_id);

-- Events as received, with the JSON payload built once: every attempt sends these exact bytes.
CREATE TABLE webhook_events (
    id           TEXT        PRIMARY KEY,
    event_id     UUID        NOT NULL UNIQUE,
    site_id      TEXT        NOT NULL,
    type         TEXT        NOT NULL,
    ordering_key TEXT,
    payload      TEXT        NOT NULL,
    occurred_at  TIMESTAMPTZ NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_events_site ON webhook_events (site_id, id DESC);
CREATE INDEX webhook_events_site_type ON webhook_events (site_id, type, id DESC);

-- One delivery per (event, endpoint). A pending delivery is due at next_attempt_at; a claimed one has
-- next_attempt_at pushed to the end of its lease, so a worker that dies leaves it due again.
CREATE TABLE webhook_deliveries (
    id               TEXT        PRIMARY KEY,
    seq              BIGSERIAL   NOT NULL,
    site_id          TEXT        NOT NULL,
    endpoint_id      TEXT        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id         TEXT        NOT NULL REFERENCES webhook_events (id),
    event_type       TEXT        NOT NULL,
    ordering_key     TEXT,
    status           TEXT        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempt_count    INTEGER     NOT NULL DEFAULT 0,
    -- attempts since the delivery was last (re)queued: the position in the retry schedule
    round_attempts   INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ,
    last_attempt_at  TIMESTAMPTZ,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    completed_at     TIMESTAMPTZ,
    CONSTRAINT webhook_deliveries_event_endpoint_unique UNIQUE (event_id, endpoint_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_ordering ON webhook_deliveries (endpoint_id, ordering_key, seq)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_site ON webhook_deliveries (site_id, id DESC);
CREATE INDEX webhook_deliveries_site_endpoint ON webhook_deliveries (site_id, endpoint_id, id DESC);
CREATE INDEX webhook_deliveries_site_event ON webhook_deliveries (site_id, event_id);
CREATE INDEX webhook_deliveries_endpoint_failed ON webhook_deliveries (endpoint_id, created_at)
    WHERE status = 'failed';

CREATE TABLE webhook_attempts (
    id             TEXT        PRIMARY KEY,
    site_id        TEXT        NOT NULL,
    delivery_id    TEXT        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    endpoint_id    TEXT        NOT NULL,
    event_id       TEXT        NOT NULL,
    attempt_number INTEGER     NOT NULL,
    url            TEXT        NOT NULL,
    attempted_at   TIMESTAMPTZ NOT NULL,
    duration_ms    INTEGER     NOT NULL,
    status_code    INTEGER,
    outcome        TEXT        NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
    error          TEXT,
    response_body  TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);
CREATE INDEX webhook_attempts_site ON webhook_attempts (site_id, id DESC);
CREATE INDEX webhook_attempts_site_endpoint ON webhook_attempts (site_id, endpoint_id, id DESC);
CREATE INDEX webhook_attempts_site_event ON webhook_attempts (site_id, event_id, id DESC);
