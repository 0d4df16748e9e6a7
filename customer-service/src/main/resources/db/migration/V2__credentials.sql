-- Customers' credentials (docs/customer-auth.md): one per customer, with the algorithm that made the hash, so
-- migrated hashes (bcrypt, WordPress, Drupal, MD5, plain text) verify and are rehashed at the first login.
-- Never copied into an event.
CREATE TABLE credentials (
    site_id     TEXT        NOT NULL,
    customer_id TEXT        NOT NULL,
    algorithm   TEXT        NOT NULL CHECK (algorithm IN ('bcrypt-sha384', 'bcrypt', 'wordpress', 'drupal', 'md5',
                                                          'plaintext')),
    hash        TEXT        NOT NULL CHECK (length(hash) BETWEEN 1 AND 1024),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (site_id, customer_id),
    FOREIGN KEY (site_id, customer_id) REFERENCES customers (site_id, id)
);
