-- The catalog: products and their plans (seed 004, Release 1.54). Every row belongs to a site; ids are
-- time-ordered (prefix + ULID body), so ORDER BY id is creation order and the pagination cursor
-- (byte order: COLLATE "C", whatever the database locale).
--
-- used_at marks a product or plan a subscription has used (PlanCatalog.markUsed, in the subscription's
-- transaction): from then on the plan's price and billing cycle are fixed and neither can be deleted.

CREATE TABLE products (
    id                   TEXT COLLATE "C" PRIMARY KEY,
    site_id              TEXT        NOT NULL,
    name                 TEXT        NOT NULL,
    description          TEXT,
    address_required     BOOLEAN     NOT NULL DEFAULT FALSE,
    active               BOOLEAN     NOT NULL DEFAULT TRUE,
    statement_descriptor TEXT,
    image                TEXT,
    old_provider_id      TEXT,
    metadata             JSONB       NOT NULL DEFAULT '{}',
    used_at              TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (site_id, id)
);
CREATE INDEX products_site ON products (site_id, id);
CREATE UNIQUE INDEX products_site_old_provider_id_unique ON products (site_id, old_provider_id)
    WHERE old_provider_id IS NOT NULL;

CREATE TABLE plans (
    id                       TEXT COLLATE "C" PRIMARY KEY,
    site_id                  TEXT        NOT NULL,
    product_id               TEXT        NOT NULL,
    nickname                 TEXT        NOT NULL,
    description              TEXT,
    amount                   BIGINT      NOT NULL CHECK (amount >= 0),
    currency                 TEXT        NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
    billing_interval         TEXT        NOT NULL CHECK (billing_interval IN ('day', 'week', 'month', 'year')),
    interval_count           INTEGER     NOT NULL CHECK (interval_count >= 1),
    auto_renew               BOOLEAN     NOT NULL,
    available_online         BOOLEAN     NOT NULL,
    shipments_per_interval   INTEGER     NOT NULL CHECK (shipments_per_interval >= 0),
    type                     TEXT        NOT NULL CHECK (type IN ('regular', 'membership', 'donation')),
    revenue_recognition_type TEXT        NOT NULL CHECK (revenue_recognition_type IN ('time_based', 'shipment_based')),
    entitlements             TEXT[]      NOT NULL DEFAULT '{}',
    trial_period_days        INTEGER     CHECK (trial_period_days >= 0),
    old_id                   TEXT,
    active                   BOOLEAN     NOT NULL DEFAULT TRUE,
    metadata                 JSONB       NOT NULL DEFAULT '{}',
    used_at                  TIMESTAMPTZ,
    created_at               TIMESTAMPTZ NOT NULL,
    updated_at               TIMESTAMPTZ NOT NULL,
    UNIQUE (site_id, id),
    -- a product of another site can never be linked; a product with plans cannot be deleted from under them
    FOREIGN KEY (site_id, product_id) REFERENCES products (site_id, id)
);
CREATE INDEX plans_site ON plans (site_id, id);
CREATE INDEX plans_product ON plans (site_id, product_id, id);
CREATE UNIQUE INDEX plans_site_old_id_unique ON plans (site_id, old_id) WHERE old_id IS NOT NULL;
