-- Customers, organizations (Release 1.54) and addresses. Every row belongs to a site; ids are
-- time-ordered (prefix + ULID body), so ORDER BY id is creation order and the pagination cursor
-- (byte order: COLLATE "C", whatever the database locale).

CREATE TABLE organizations (
    id          TEXT COLLATE "C" PRIMARY KEY,
    site_id     TEXT        NOT NULL,
    name        TEXT        NOT NULL,
    industry    TEXT,
    website     TEXT,
    metadata    JSONB       NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (site_id, id)
);
CREATE INDEX organizations_site ON organizations (site_id, id);

CREATE TABLE customers (
    id              TEXT COLLATE "C" PRIMARY KEY,
    site_id         TEXT        NOT NULL,
    old_provider_id TEXT,
    email           TEXT,
    first_name      TEXT,
    last_name       TEXT,
    phone           TEXT,
    title           TEXT,
    salutation      TEXT,
    display_name    TEXT,
    organization_id TEXT,
    metadata        JSONB       NOT NULL DEFAULT '{}',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (site_id, id),
    -- an organization of another site can never be linked
    FOREIGN KEY (site_id, organization_id) REFERENCES organizations (site_id, id)
);
CREATE INDEX customers_site ON customers (site_id, id);
-- Email is optional (imports without one are allowed) but unique per site when present.
CREATE UNIQUE INDEX customers_site_email_unique ON customers (site_id, lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX customers_site_display_name_unique ON customers (site_id, lower(display_name))
    WHERE display_name IS NOT NULL;
CREATE UNIQUE INDEX customers_site_old_provider_id_unique ON customers (site_id, old_provider_id)
    WHERE old_provider_id IS NOT NULL;

CREATE TABLE addresses (
    id           TEXT COLLATE "C" PRIMARY KEY,
    site_id      TEXT        NOT NULL,
    customer_id  TEXT        NOT NULL,
    type         TEXT        NOT NULL CHECK (type IN ('billing', 'shipping')),
    first_name   TEXT,
    last_name    TEXT,
    salutation   TEXT,
    title        TEXT,
    company      TEXT,
    department   TEXT,
    line1        TEXT        NOT NULL,
    line2        TEXT,
    city         TEXT,
    state        TEXT,
    postal_code  TEXT,
    country      TEXT        NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    phone        TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (site_id, customer_id) REFERENCES customers (site_id, id)
);
CREATE INDEX addresses_site ON addresses (site_id, id);
CREATE INDEX addresses_customer ON addresses (customer_id, id);
