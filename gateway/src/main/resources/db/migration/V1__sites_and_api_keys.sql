-- Sites (tenants) and their API keys. The gateway owns this database; services only ever see the
-- site id inside the internal token the gateway mints.

CREATE TABLE sites (
    id         text        COLLATE "C" PRIMARY KEY CHECK (id LIKE 'site\_%'),
    name       text        NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    mode       text        NOT NULL CHECK (mode IN ('test', 'live')),
    created_at timestamptz NOT NULL
);

-- A key is stored only as the SHA-256 of the whole secret (keys are 190 random bits, so a fast hash
-- is enough) plus a short prefix to recognise it in lists. The secret itself is shown once.
CREATE TABLE api_keys (
    id           text        COLLATE "C" PRIMARY KEY CHECK (id LIKE 'key\_%'),
    site_id      text        COLLATE "C" NOT NULL REFERENCES sites (id),
    kind         text        NOT NULL CHECK (kind IN ('secret')),
    prefix       text        NOT NULL CHECK (length(prefix) BETWEEN 8 AND 16),
    hash         text        NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    last_used_at timestamptz
);

-- Listing a site's keys, newest first: ids are time-ordered, compared byte by byte (COLLATE "C")
-- whatever the database's collation, so that cursors (starting_after) are stable.
CREATE INDEX api_keys_site_id_id_idx ON api_keys (site_id, id DESC);
