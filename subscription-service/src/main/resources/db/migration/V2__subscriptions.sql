-- Subscriptions over their whole life (seed 002, seed 004, release 1.54). Every row belongs to a site; ids are
-- time-ordered (prefix + ULID body) so ORDER BY id is creation order and the pagination cursor.
--
-- The plan's terms (amount, currency, cycle, shipments) are copied onto the subscription when it starts a term:
-- they are what the subscription was sold at, and what every event carries for billing. The rules the code checks
-- are also constraints here, so no path (a race, a bug, a manual fix) can break them.

CREATE TABLE subscriptions (
    id                        TEXT COLLATE "C" PRIMARY KEY,
    site_id                   TEXT        NOT NULL,
    livemode                  BOOLEAN     NOT NULL,
    customer_id               TEXT        NOT NULL,
    plan_id                   TEXT        NOT NULL,
    product_id                TEXT        NOT NULL,
    plan_amount               BIGINT      NOT NULL CHECK (plan_amount >= 0),
    currency                  TEXT        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    billing_interval          TEXT        NOT NULL CHECK (billing_interval IN ('day', 'week', 'month', 'year')),
    interval_count            INTEGER     NOT NULL CHECK (interval_count >= 1),
    shipments_per_interval    INTEGER     NOT NULL CHECK (shipments_per_interval >= 0),
    plan_auto_renew           BOOLEAN     NOT NULL,
    plan_type                 TEXT        NOT NULL CHECK (plan_type IN ('regular', 'membership', 'donation')),
    plan_trial_period_days    INTEGER,
    address_required          BOOLEAN     NOT NULL,
    quantity                  INTEGER     NOT NULL CHECK (quantity >= 1),
    collection_method         TEXT        NOT NULL CHECK (collection_method IN ('charge_automatically', 'send_invoice')),
    days_until_due            INTEGER     CHECK (days_until_due >= 0),
    status                    TEXT        NOT NULL CHECK (status IN ('scheduled', 'trialing', 'active', 'past_due',
                                                                     'unpaid', 'paused', 'canceled', 'expired')),
    start_date                TIMESTAMPTZ NOT NULL,
    trial_start               TIMESTAMPTZ,
    trial_end                 TIMESTAMPTZ,
    billing_cycle_anchor      TIMESTAMPTZ NOT NULL,
    period_number             BIGINT      NOT NULL CHECK (period_number >= -1),
    current_period_start      TIMESTAMPTZ NOT NULL,
    current_period_end        TIMESTAMPTZ NOT NULL,
    auto_renew                BOOLEAN     NOT NULL,
    cancel_at_period_end      BOOLEAN     NOT NULL DEFAULT FALSE,
    canceled_at               TIMESTAMPTZ,
    ended_at                  TIMESTAMPTZ,
    initial_period_paid       BOOLEAN     NOT NULL DEFAULT FALSE,
    shipments_remaining       INTEGER     NOT NULL DEFAULT 0 CHECK (shipments_remaining >= 0),
    shipments_undeliverable   BOOLEAN     NOT NULL DEFAULT FALSE,
    shipments_suspended_until TIMESTAMPTZ,
    shipping_address_id       TEXT,
    billing_address_id        TEXT,
    gift_recipient_id         TEXT,
    membership_type           TEXT        NOT NULL DEFAULT 'regular'
                                          CHECK (membership_type IN ('regular', 'admin', 'member')),
    membership_id             TEXT,
    membership_admin_id       TEXT,
    replaces                  TEXT,
    scheduled_renewal         JSONB,
    metadata                  JSONB       NOT NULL DEFAULT '{}',
    created_at                TIMESTAMPTZ NOT NULL,
    updated_at                TIMESTAMPTZ NOT NULL,
    UNIQUE (site_id, id),
    FOREIGN KEY (site_id, plan_id) REFERENCES plans (site_id, id),
    CHECK (current_period_end > current_period_start),
    CHECK (trial_end IS NULL OR trial_end > start_date),
    -- an ended subscription has its end; a live one has none
    CHECK ((status IN ('canceled', 'expired')) = (ended_at IS NOT NULL)),
    CHECK (NOT (status IN ('canceled', 'expired') AND cancel_at_period_end)),
    CHECK (days_until_due IS NULL OR collection_method = 'send_invoice'),
    -- a gift is to another customer
    CHECK (gift_recipient_id IS NULL OR gift_recipient_id <> customer_id),
    -- a regular subscription is in no group; an admin or member is in one; a member hangs off its admin
    CHECK ((membership_type = 'regular') = (membership_id IS NULL)),
    CHECK ((membership_type = 'member') = (membership_admin_id IS NOT NULL)),
    FOREIGN KEY (site_id, membership_admin_id) REFERENCES subscriptions (site_id, id),
    FOREIGN KEY (site_id, replaces) REFERENCES subscriptions (site_id, id)
);
CREATE INDEX subscriptions_site ON subscriptions (site_id, id);
CREATE INDEX subscriptions_customer ON subscriptions (site_id, customer_id, id);
CREATE INDEX subscriptions_status ON subscriptions (site_id, status, id);
CREATE INDEX subscriptions_plan ON subscriptions (site_id, plan_id, id);
CREATE INDEX subscriptions_created ON subscriptions (site_id, created_at);
-- one live admin per membership group
CREATE UNIQUE INDEX subscriptions_one_admin_per_membership ON subscriptions (site_id, membership_id)
    WHERE membership_type = 'admin' AND status NOT IN ('canceled', 'expired');
-- a change of plan replaces a subscription once
CREATE UNIQUE INDEX subscriptions_replaced_once ON subscriptions (site_id, replaces) WHERE replaces IS NOT NULL;

-- Every period a subscription has been in (its trial, its first period, each renewal): one row per
-- (subscription, period start), so a period can begin (and be renewed into) only once, whatever runs twice.
CREATE TABLE subscription_periods (
    subscription_id TEXT COLLATE "C" NOT NULL REFERENCES subscriptions (id),
    site_id         TEXT        NOT NULL,
    period_start    TIMESTAMPTZ NOT NULL,
    period_end      TIMESTAMPTZ NOT NULL,
    period_number   BIGINT      NOT NULL,
    kind            TEXT        NOT NULL CHECK (kind IN ('trial', 'initial', 'renewal')),
    plan_id         TEXT        NOT NULL,
    amount          BIGINT      NOT NULL,
    currency        TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subscription_id, period_start),
    CHECK (period_end > period_start)
);
