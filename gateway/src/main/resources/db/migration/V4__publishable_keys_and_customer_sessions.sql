-- Publishable keys beside secret keys, customer sessions and the login rate limit (docs/customer-auth.md).

ALTER TABLE api_keys DROP CONSTRAINT api_keys_kind_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_kind_check CHECK (kind IN ('secret', 'publishable'));

-- A customer session: an opaque random token, stored only as its SHA-256. created_at and expires_at are in the
-- site's time (a test site's clock moves them); created_at_wall is for retention.
CREATE TABLE customer_sessions (
    id              text        COLLATE "C" PRIMARY KEY CHECK (id LIKE 'cse\_%'),
    site_id         text        COLLATE "C" NOT NULL REFERENCES sites (id),
    livemode        boolean     NOT NULL,
    customer_id     text        COLLATE "C" NOT NULL CHECK (customer_id LIKE 'cus\_%'),
    hash            text        NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    origin          text        NOT NULL CHECK (origin IN ('login', 'support')),
    api_key_id      text        COLLATE "C" NOT NULL REFERENCES api_keys (id),
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL CHECK (expires_at > created_at),
    revoked_at      timestamptz,
    created_at_wall timestamptz NOT NULL
);
CREATE INDEX customer_sessions_retention ON customer_sessions (created_at_wall);

-- Login attempts that have not (yet) succeeded, per site and subject: the SHA-256 of the lower-cased email
-- (scope 'customer') or of the client address (scope 'ip'); never the email or address itself. An attempt is
-- recorded before the password is checked and deleted if it succeeds, so concurrent attempts count each other.
CREATE TABLE login_attempts (
    id           bigserial   PRIMARY KEY,
    site_id      text        COLLATE "C" NOT NULL,
    scope        text        NOT NULL CHECK (scope IN ('customer', 'ip')),
    subject      text        NOT NULL CHECK (subject ~ '^[0-9a-f]{64}$'),
    attempted_at timestamptz NOT NULL
);
CREATE INDEX login_attempts_subject ON login_attempts (site_id, scope, subject, attempted_at DESC);
CREATE INDEX login_attempts_retention ON login_attempts (attempted_at);
