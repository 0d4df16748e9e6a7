-- A delivery's event is inserted by the same transaction, just before it, and events are never deleted: the
-- foreign key could never fail, yet its check cost every delivery row about a fifth of its insert. The key to
-- the endpoint stays (an endpoint deleted during the fan-out must fail it, and its deletion takes its deliveries).
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_id_fkey;
