-- Due work: bounded claims (docs/design.md, "Due work and site time").
--
-- The background claim used to walk due_work_claim (state, due_at) up to the latest time of any running test
-- clock, and to step over items waiting out a retry, leased to another runner or of a frozen site. It now takes two
-- bounded index ranges instead:
--   (a) live items and test items of sites without a clock: runnable_at <= the wall time (due_work_runnable);
--   (b) for each running (not frozen) site clock: that site's test items due at or before the site's time
--       (due_work_test_site).
-- runnable_at folds the wall-time waits into the due time: an item waiting for its retry or leased to a runner is
-- not runnable before retry_at or lease_until, so such rows sit at their retry or lease time in the range, not at
-- its front. The database keeps it (a stored generated column): no writer can forget it.
ALTER TABLE due_work
    ADD COLUMN runnable_at TIMESTAMPTZ GENERATED ALWAYS AS (GREATEST(due_at, retry_at, lease_until)) STORED;

DROP INDEX due_work_claim;
DROP INDEX due_work_site;
-- (a): pending items by the time they can run (the claim's range and order; the overdue gauge's first entry)
CREATE INDEX due_work_runnable ON due_work (runnable_at, id) WHERE state = 'pending';
-- (b), and a test clock's drain, next due and pending count: one test site's pending items in due order
CREATE INDEX due_work_test_site ON due_work (site_id, due_at, id) WHERE state = 'pending' AND NOT livemode;
-- parked items (the failed gauge; an operator's list)
CREATE INDEX due_work_parked ON due_work (id) WHERE state = 'failed';

-- The outbox keeps the site of test-mode events only (a test clock waits for them); live events leave it NULL, so
-- the index costs live writes nothing.
DROP INDEX outbox_site;
CREATE INDEX outbox_test_site ON outbox (site_id) WHERE site_id IS NOT NULL;
COMMENT ON COLUMN outbox.site_id IS 'the site of a test-mode event (NULL for live events)';
COMMENT ON COLUMN outbox_parked.site_id IS 'the site of a test-mode event (NULL for live events)';
