-- Retention (DeliveryRetention) deletes old rows in small batches; each batch finds them through these indexes.
-- Finished deliveries by completion time (pending ones, the hot part of the table, are not in it).
CREATE INDEX webhook_deliveries_completed ON webhook_deliveries (completed_at) WHERE status <> 'pending';
CREATE INDEX webhook_attempts_attempted_at ON webhook_attempts (attempted_at);
CREATE INDEX webhook_events_received_at ON webhook_events (received_at);
