-- Bulk cancellations (offboarding step 3): one row per job, its progress stored after every batch (the cursor is
-- the last subscription id done, in id order), so a job resumes after a crash where its last committed batch ended.
CREATE TABLE bulk_cancellations (
    id                TEXT COLLATE "C" PRIMARY KEY,
    site_id           TEXT        NOT NULL,
    livemode          BOOLEAN     NOT NULL,
    scope_all         BOOLEAN     NOT NULL,
    scope_plan        TEXT,
    scope_status      TEXT        CHECK (scope_status IN ('scheduled', 'trialing', 'active', 'past_due', 'unpaid',
                                                           'paused', 'canceled', 'expired')),
    effective         TEXT        NOT NULL CHECK (effective IN ('immediately', 'period_end', 'date')),
    effective_date    TIMESTAMPTZ,
    dry_run           BOOLEAN     NOT NULL,
    status            TEXT        NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
    matched           BIGINT      NOT NULL DEFAULT 0 CHECK (matched >= 0),
    canceled          BIGINT      NOT NULL DEFAULT 0 CHECK (canceled >= 0),
    skipped_ended     BIGINT      NOT NULL DEFAULT 0 CHECK (skipped_ended >= 0),
    skipped_canceling BIGINT      NOT NULL DEFAULT 0 CHECK (skipped_canceling >= 0),
    cursor_id         TEXT COLLATE "C",
    failure           TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    completed_at      TIMESTAMPTZ,
    UNIQUE (site_id, id),
    CHECK ((effective = 'date') = (effective_date IS NOT NULL)),
    CHECK (scope_all = (scope_plan IS NULL AND scope_status IS NULL)),
    CHECK ((status IN ('succeeded', 'failed')) = (completed_at IS NOT NULL))
);
CREATE INDEX bulk_cancellations_site ON bulk_cancellations (site_id, id);
