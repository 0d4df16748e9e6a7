-- Every claim and every recorded attempt rewrites a delivery row, and with it an entry in each of its indexes:
-- keep only those a query needs. Due work is found through webhook_deliveries_endpoint_due; deliveries of an
-- event through the unique (event_id, endpoint_id) index.
DROP INDEX IF EXISTS webhook_deliveries_due;
DROP INDEX IF EXISTS webhook_deliveries_site_event;
