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

-- The normalised email by which a login finds its customer (platform Emails.normalized: surrounding blanks removed,
-- ASCII A-Z lower-cased, nothing else), written by the service beside the email; a login compares it exactly, never
-- with lower(), whose semantics depend on the collation. Stored emails are already stripped, so translate() is the
-- same function for the rows that exist before this migration.
ALTER TABLE customers ADD COLUMN email_key TEXT;
UPDATE customers SET email_key = translate(email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
 WHERE email IS NOT NULL;
CREATE INDEX customers_site_email_key ON customers (site_id, email_key) WHERE email_key IS NOT NULL;
