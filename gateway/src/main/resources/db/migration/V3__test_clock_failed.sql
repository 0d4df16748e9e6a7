-- A test clock whose advance gave up after masthead.gateway.test-clock.max-attempts attempts is 'failed': its time
-- stands at simulated_at (the last step every service settled at), last_error says why, and a new advance starts
-- from there. Only a ready clock runs from a wall time.
ALTER TABLE test_clocks DROP CONSTRAINT test_clocks_status_check;
ALTER TABLE test_clocks ADD CONSTRAINT test_clocks_status_check
    CHECK (status IN ('ready', 'advancing', 'failed'));
ALTER TABLE test_clocks DROP CONSTRAINT test_clocks_check1;
ALTER TABLE test_clocks ADD CONSTRAINT test_clocks_ready_runs_from_a_wall_time
    CHECK (status <> 'ready' OR set_at_wall IS NOT NULL);
