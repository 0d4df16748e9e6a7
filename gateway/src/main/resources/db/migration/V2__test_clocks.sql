-- The test clock of a test-mode site (docs/test-clocks.md). No row: the site's time is the wall clock.
-- ready:     the site's time runs on with the wall clock from simulated_at, set at wall time set_at_wall.
-- advancing: the site's time stands at simulated_at, the last step every service settled at, on its way to
--            advancing_to. One gateway instance runs the advance at a time: the one whose lease (lease_owner,
--            lease_until) is current; an advance whose lease ran out (its instance died) is taken over and resumed
--            from simulated_at. A failed attempt waits until retry_at; last_error says why.
CREATE TABLE test_clocks (
    site_id      text        COLLATE "C" PRIMARY KEY REFERENCES sites (id),
    status       text        NOT NULL CHECK (status IN ('ready', 'advancing')),
    simulated_at timestamptz NOT NULL,
    set_at_wall  timestamptz,
    advancing_to timestamptz,
    lease_owner  text,
    lease_until  timestamptz,
    retry_at     timestamptz,
    attempts     integer     NOT NULL DEFAULT 0,
    last_error   text,
    updated_at   timestamptz NOT NULL,
    CHECK ((status = 'advancing') = (advancing_to IS NOT NULL)),
    CHECK (status = 'advancing' OR set_at_wall IS NOT NULL),
    CHECK (advancing_to IS NULL OR advancing_to >= simulated_at)
);

-- The runner's claim: advancing clocks whose lease is free or ran out.
CREATE INDEX test_clocks_advancing ON test_clocks (lease_until) WHERE status = 'advancing';
