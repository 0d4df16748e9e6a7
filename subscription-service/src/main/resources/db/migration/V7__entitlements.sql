-- Entitlements (docs/entitlements.md): a site's free tier, and the last entitlement set told for each customer.
-- (Version 7 leaves 5 and 6 to work on other parts of this service that was under way at the same time.)

-- A site's settings; a site without a row has an empty free tier. updated_at is null until a PUT sets it (the
-- consumer inserts the row it locks, empty, when it needs the free tier first).
CREATE TABLE entitlement_settings (
    site_id    TEXT COLLATE "C" PRIMARY KEY,
    free_tier  TEXT[]      NOT NULL DEFAULT '{}',
    updated_at TIMESTAMPTZ
);

-- The set each customer was last told (by entitlements.updated), or found to have without a change to tell:
-- [{"name", "granted_by": [subscription ids], "free_tier"}], sorted by name. The next computation compares with it,
-- so a replayed or repeated event tells nothing twice. The row is also the lock of every computation of the
-- customer: a computation inserts it first when missing (source and entitlements null: never computed, a state that
-- never commits, since the same transaction stores the set), then locks it FOR UPDATE.
CREATE TABLE customer_entitlements (
    site_id        TEXT COLLATE "C" NOT NULL,
    customer_id    TEXT COLLATE "C" NOT NULL,
    livemode       BOOLEAN     NOT NULL,
    source         TEXT        CHECK (source IN ('subscriptions', 'free_tier')),
    entitlements   JSONB,
    updated_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (site_id, customer_id),
    CHECK ((source IS NULL) = (entitlements IS NULL))
);
-- the customers a free-tier change concerns, walked in batches by customer id
CREATE INDEX customer_entitlements_free_tier ON customer_entitlements (site_id, customer_id)
    WHERE source = 'free_tier';

-- Every subscription as the entitlement sync knows it: fed by the subscription events it consumes (the snapshot of
-- the last one applied), never by the subscription writes, so each event is evaluated as the state it tells, in
-- order. holder_id is who holds it (the gift recipient, else the customer); event_partition/event_offset (on
-- subscriptions.v1) and event_occurred_at are the position of the event applied last, so an older one read again is
-- ignored.
CREATE TABLE entitlement_subscriptions (
    site_id           TEXT COLLATE "C" NOT NULL,
    subscription_id   TEXT COLLATE "C" NOT NULL,
    livemode          BOOLEAN     NOT NULL,
    holder_id         TEXT COLLATE "C" NOT NULL,
    plan_id           TEXT COLLATE "C" NOT NULL,
    status            TEXT        NOT NULL,
    event_id          TEXT        NOT NULL,
    event_partition   INT         NOT NULL,
    event_offset      BIGINT      NOT NULL,
    event_occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (site_id, subscription_id)
);
-- a holder's subscriptions (each computation of a customer's set)
CREATE INDEX entitlement_subscriptions_holder ON entitlement_subscriptions (site_id, holder_id);
-- the holders of a plan's granting subscriptions, walked in batches by holder id (keyset) by a plan's resync; the
-- predicate is the granting statuses (entitlement.model.Access), written the same in the query so the planner uses
-- it. (A plain CREATE INDEX: the table is new in this migration, so nothing waits on it.)
CREATE INDEX entitlement_subscriptions_plan_holders ON entitlement_subscriptions (site_id, plan_id, holder_id)
    WHERE status IN ('active', 'past_due', 'trialing');

-- The subscriptions a customer holds now (the API's answer): their own, and gifts made to them (the payer of a gift
-- holds nothing).
CREATE INDEX subscriptions_holder ON subscriptions (site_id, (COALESCE(gift_recipient_id, customer_id)), id);
