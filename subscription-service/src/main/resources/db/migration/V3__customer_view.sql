-- The customer view: this service's copy of customer-service's customers, addresses and organizations, fed by
-- customers.v1 (and by customer-service's HTTP API when a customer is asked for before its event arrived). It
-- validates the customers and addresses of subscriptions and answers the subscription search by the customer's
-- name, email, phone, company or department. customer-service owns the data: nothing here is ever written by
-- a request of this service's own API.
--
-- Every row is a snapshot as of its updated_at; a snapshot replaces the row only when it is at least as recent
-- (events arrive in order per customer, but a snapshot fetched over HTTP may race with them). Rows are scoped by
-- site: the primary keys are (site_id, id). No foreign keys between the tables: an address or an organization may
-- be known before the customer that refers to it.

-- Trigram indexes make the search's substring matches (LIKE '%...%') index scans. pg_trgm ships with
-- PostgreSQL and is a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE customer_view (
    site_id          TEXT COLLATE "C" NOT NULL,
    id               TEXT COLLATE "C" NOT NULL,
    old_provider_id  TEXT,
    email            TEXT,
    first_name       TEXT,
    last_name        TEXT,
    phone            TEXT,
    display_name     TEXT,
    organization_id  TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    -- What the search matches, lower case, one line per field: "first last", email, display name, the
    -- organization's name, each address's company and department. Kept by the writes (CustomerViewRepository).
    search_text      TEXT NOT NULL DEFAULT '',
    -- The phone number's digits only, so "+1 (514) 123-4567" is found by "5141234567" or "123-4567".
    phone_digits     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (site_id, id)
);
CREATE INDEX customer_view_search ON customer_view USING gin (search_text gin_trgm_ops);
CREATE INDEX customer_view_phone ON customer_view USING gin (phone_digits gin_trgm_ops);
CREATE INDEX customer_view_organization ON customer_view (site_id, organization_id)
    WHERE organization_id IS NOT NULL;

CREATE TABLE customer_view_addresses (
    site_id      TEXT COLLATE "C" NOT NULL,
    id           TEXT COLLATE "C" NOT NULL,
    customer_id  TEXT COLLATE "C" NOT NULL,
    type         TEXT NOT NULL CHECK (type IN ('billing', 'shipping')),
    first_name   TEXT,
    last_name    TEXT,
    company      TEXT,
    department   TEXT,
    line1        TEXT,
    line2        TEXT,
    city         TEXT,
    state        TEXT,
    postal_code  TEXT,
    country      TEXT,
    phone        TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (site_id, id)
);
CREATE INDEX customer_view_addresses_customer ON customer_view_addresses (site_id, customer_id);

CREATE TABLE customer_view_organizations (
    site_id     TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    name        TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (site_id, id)
);
