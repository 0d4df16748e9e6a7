-- The claim walks endpoints with due work and takes each one's oldest due deliveries from this index, so a
-- large backlog of one endpoint (slow, full, or blocked behind an ordered head) costs the others nothing.
CREATE INDEX webhook_deliveries_endpoint_due ON webhook_deliveries (endpoint_id, next_attempt_at)
    WHERE status = 'pending';
