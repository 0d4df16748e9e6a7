-- Pause and resume (seed 003). The subscription row holds the pause it is in (its window and the status it resumes
-- to) and how many pauses began in the UTC year of the latest; subscription_pauses holds every pause ever taken, who
-- asked, why, and how it ended. Numbered apart from the other migrations of this service (V10) so that migrations
-- written at the same time elsewhere do not collide with it.

ALTER TABLE subscriptions
    ADD COLUMN pause_start_at   TIMESTAMPTZ,
    ADD COLUMN pause_end_at     TIMESTAMPTZ,
    ADD COLUMN pause_resumes_to TEXT CHECK (pause_resumes_to IN ('trialing', 'active', 'past_due')),
    ADD COLUMN pause_year       INTEGER NOT NULL DEFAULT 0 CHECK (pause_year >= 0),
    ADD COLUMN pause_count      INTEGER NOT NULL DEFAULT 0 CHECK (pause_count >= 0),
    -- how far pauses moved the current period's end (ms): a prorated refund counts the period as sold without it
    ADD COLUMN pause_period_credit_ms BIGINT NOT NULL DEFAULT 0 CHECK (pause_period_credit_ms >= 0),
    -- the shipment suspension the pause in progress replaced: an early resume restores it while it lasts
    ADD COLUMN pause_suspended_before TIMESTAMPTZ,
    -- a pause has its window and where it resumes to, or none of them
    ADD CONSTRAINT subscriptions_pause_window CHECK (
        (pause_start_at IS NULL) = (pause_end_at IS NULL) AND (pause_start_at IS NULL) = (pause_resumes_to IS NULL)
        AND (pause_end_at IS NULL OR pause_end_at > pause_start_at)),
    -- a paused subscription is in a pause (a canceled or expired one may keep the window it ended in)
    ADD CONSTRAINT subscriptions_paused_has_pause CHECK (status <> 'paused' OR pause_start_at IS NOT NULL);

-- Every pause of a subscription. pause_year is the UTC calendar year of its start: one pause per subscription and
-- year, enforced here as well as in code, so two requests racing past the code's check cannot both commit (the
-- second violates the unique index and answers 409). An admin's override of the annual limit is recorded as a row
-- of its own outside the index, with its required reason.
CREATE TABLE subscription_pauses (
    id                    TEXT COLLATE "C" PRIMARY KEY,
    site_id               TEXT        NOT NULL,
    subscription_id       TEXT COLLATE "C" NOT NULL,
    customer_id           TEXT        NOT NULL,
    pause_year            INTEGER     NOT NULL,
    started_at            TIMESTAMPTZ NOT NULL,
    planned_end_at        TIMESTAMPTZ NOT NULL,
    paused_from           TEXT        NOT NULL CHECK (paused_from IN ('trialing', 'active', 'past_due')),
    pause_trigger         TEXT        NOT NULL CHECK (pause_trigger IN ('manual', 'admin')),
    actor_type            TEXT        NOT NULL CHECK (actor_type IN ('admin', 'customer')),
    actor_id              TEXT,
    forced                BOOLEAN     NOT NULL DEFAULT FALSE,
    override_annual_limit BOOLEAN     NOT NULL DEFAULT FALSE,
    reason                TEXT,
    ended_at              TIMESTAMPTZ,
    -- canceled: the subscription was canceled during the pause, which closed it (resumed_by system)
    resume_trigger        TEXT        CHECK (resume_trigger IN ('auto', 'manual', 'admin', 'canceled')),
    resumed_by_type       TEXT        CHECK (resumed_by_type IN ('admin', 'customer', 'system')),
    resumed_by_id         TEXT,
    resume_reason         TEXT,
    days_paused           INTEGER     CHECK (days_paused >= 0),
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    UNIQUE (site_id, id),
    FOREIGN KEY (site_id, subscription_id) REFERENCES subscriptions (site_id, id),
    CHECK (pause_year = EXTRACT(YEAR FROM started_at AT TIME ZONE 'UTC')),
    CHECK (planned_end_at > started_at),
    -- 90 days as hours: a day interval would follow the session time zone's DST changes
    CONSTRAINT subscription_pauses_at_most_90_days CHECK (planned_end_at <= started_at + INTERVAL '2160 hours'),
    CHECK ((actor_type = 'customer') = (actor_id IS NOT NULL)),
    CHECK (NOT override_annual_limit OR (actor_type = 'admin' AND reason IS NOT NULL)),
    CHECK (NOT forced OR actor_type = 'admin'),
    CHECK ((ended_at IS NULL) = (resume_trigger IS NULL)),
    CHECK ((ended_at IS NULL) = (days_paused IS NULL)),
    CHECK (ended_at IS NULL OR (ended_at >= started_at AND ended_at <= planned_end_at))
);
CREATE UNIQUE INDEX subscription_pauses_once_per_year ON subscription_pauses (subscription_id, pause_year)
    WHERE NOT override_annual_limit;
-- at most one pause in progress per subscription
CREATE UNIQUE INDEX subscription_pauses_one_open ON subscription_pauses (subscription_id) WHERE ended_at IS NULL;
CREATE INDEX subscription_pauses_history ON subscription_pauses (site_id, subscription_id, started_at);
CREATE INDEX subscription_pauses_started ON subscription_pauses (site_id, started_at);
CREATE INDEX subscription_pauses_ended ON subscription_pauses (site_id, ended_at) WHERE ended_at IS NOT NULL;
-- churn and status counts (GET /v1/subscriptions/stats)
CREATE INDEX subscriptions_ended ON subscriptions (site_id, ended_at) WHERE ended_at IS NOT NULL;
