-- A bulk cancellation's report counts the live members its admins' subscriptions took with them.
ALTER TABLE bulk_cancellations ADD COLUMN canceled_with_admin BIGINT NOT NULL DEFAULT 0;
