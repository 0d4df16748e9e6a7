-- The relay publishes each outbox row exactly as it was written (docs/design.md, "Events and the outbox").

-- Writer schemas of outbox rows, once per fingerprint: SHA-256 of the schema text exactly as the writer had it
-- (Schema.toString() of its generated class). Rows name their schema by fingerprint; the relay registers that
-- text (find-or-create) and publishes the row's bytes under its id. Never deleted: a few rows per schema version.
CREATE TABLE outbox_schemas (
    fingerprint  BYTEA       PRIMARY KEY,
    schema_name  TEXT        NOT NULL,
    schema_text  TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);

-- schema_fingerprint NULL: a row written before this migration, whose writer schema is the service's generated
-- class of schema_name. attempts/last_error/retry_at: failures that are the row's own (the registry refuses its
-- schema, the record is too large, the topic does not exist); a row waits until retry_at, and so do the later
-- rows of its key.
ALTER TABLE outbox
    ADD COLUMN schema_fingerprint BYTEA,
    ADD COLUMN attempts           INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN last_error         TEXT,
    ADD COLUMN retry_at           TIMESTAMPTZ;

CREATE INDEX outbox_waiting ON outbox (topic, message_key, id) WHERE retry_at IS NOT NULL;

-- Rows that failed masthead.outbox.max-attempts times for a reason of their own. While a row of a (topic, key)
-- is here, the later rows of that key stay in the outbox, so per-key order holds.
CREATE TABLE outbox_parked (
    id                 BIGINT      PRIMARY KEY,
    event_id           UUID        NOT NULL UNIQUE,
    event_type         TEXT        NOT NULL,
    topic              TEXT        NOT NULL,
    message_key        TEXT        NOT NULL,
    schema_name        TEXT        NOT NULL,
    schema_fingerprint BYTEA,
    payload            BYTEA       NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    attempts           INTEGER     NOT NULL,
    error              TEXT        NOT NULL,
    parked_at          TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX outbox_parked_key ON outbox_parked (topic, message_key);

-- Operators: SELECT outbox_release(ARRAY[<parked id>, ...]) once the cause is fixed. The rows go back to the
-- outbox with their ids (so before the later rows of their key) and fresh attempts; the relay is notified.
-- To drop a parked row instead (the later rows of its key then go on without it): DELETE FROM outbox_parked WHERE id = ...
CREATE FUNCTION outbox_release(ids BIGINT[]) RETURNS INTEGER AS $$
DECLARE
    released INTEGER;
BEGIN
    WITH moved AS (
        DELETE FROM outbox_parked WHERE id = ANY (ids) RETURNING *
    )
    INSERT INTO outbox (id, event_id, event_type, topic, message_key, schema_name, schema_fingerprint, payload,
                        created_at)
    SELECT id, event_id, event_type, topic, message_key, schema_name, schema_fingerprint, payload, created_at
      FROM moved;
    GET DIAGNOSTICS released = ROW_COUNT;
    RETURN released;
END;
$$ LANGUAGE plpgsql;
