package io.masthead.gateway.testclock.infrastructure;

import io.masthead.gateway.testclock.model.ClockStatus;
import io.masthead.gateway.testclock.model.TestClock;
import io.masthead.platform.r2dbc.Rows;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The {@code test_clocks} table: one row per site whose clock was ever advanced, and the advances' leases. */
@Repository
public class TestClockRepository {

    private static final String COLUMNS = "site_id, status, simulated_at, set_at_wall, advancing_to, last_error";

    private final DatabaseClient db;

    public TestClockRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<TestClock> find(String siteId) {
        return db.sql("SELECT " + COLUMNS + " FROM test_clocks WHERE site_id = :site")
                .bind("site", siteId).map(TestClockRepository::clock).one();
    }

    /** The site's clock, locked until the transaction ends; a site without one gets the wall clock's row first. */
    public Mono<TestClock> lock(String siteId, Instant wall) {
        return db.sql("""
                        INSERT INTO test_clocks (site_id, status, simulated_at, set_at_wall, updated_at)
                        VALUES (:site, 'ready', :wall, :wall, :wall)
                        ON CONFLICT (site_id) DO NOTHING""")
                .bind("site", siteId).bind("wall", Rows.timestamp(wall))
                .fetch().rowsUpdated()
                .then(db.sql("SELECT " + COLUMNS + " FROM test_clocks WHERE site_id = :site FOR UPDATE")
                        .bind("site", siteId).map(TestClockRepository::clock).one());
    }

    /** Writes an advancing clock (its lease free: the runner takes it). */
    public Mono<Void> startAdvance(TestClock clock, Instant wall) {
        return db.sql("""
                        UPDATE test_clocks
                           SET status = 'advancing', simulated_at = :from, set_at_wall = NULL, advancing_to = :to,
                               lease_owner = NULL, lease_until = NULL, retry_at = NULL, attempts = 0,
                               last_error = NULL, updated_at = :wall
                         WHERE site_id = :site""")
                .bind("site", clock.siteId())
                .bind("from", Rows.timestamp(clock.simulatedAt()))
                .bind("to", Rows.timestamp(clock.advancingTo()))
                .bind("wall", Rows.timestamp(wall))
                .fetch().rowsUpdated().then();
    }

    /**
     * Takes the lease of advancing clocks that have none, or whose lease ran out, and whose retry time has come.
     * {@code onlySite} null: any site.
     */
    public Flux<TestClock> claim(String owner, Instant wall, Instant leaseUntil, String onlySite, int limit) {
        return db.sql("""
                        UPDATE test_clocks SET lease_owner = :owner, lease_until = :until
                         WHERE site_id IN (
                               SELECT site_id FROM test_clocks
                                WHERE status = 'advancing'
                                  AND (lease_until IS NULL OR lease_until < :wall)
                                  AND (retry_at IS NULL OR retry_at <= :wall)
                                  AND (CAST(:only AS text) IS NULL OR site_id = :only)
                                ORDER BY site_id
                                LIMIT :limit
                                  FOR UPDATE SKIP LOCKED)
                        RETURNING\s""" + COLUMNS)
                .bind("owner", owner)
                .bind("until", Rows.timestamp(leaseUntil))
                .bind("wall", Rows.timestamp(wall))
                .bind("only", Rows.text(onlySite))
                .bind("limit", limit)
                .map(TestClockRepository::clock).all();
    }

    /** Extends the lease; false when it is no longer this owner's. */
    public Mono<Boolean> renew(String siteId, String owner, Instant leaseUntil) {
        return db.sql("""
                        UPDATE test_clocks SET lease_until = :until
                         WHERE site_id = :site AND status = 'advancing' AND lease_owner = :owner""")
                .bind("site", siteId).bind("owner", owner).bind("until", Rows.timestamp(leaseUntil))
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    /**
     * Every service settled at {@code t}: the clock stands there now; a step forward is progress, so the failures
     * counted so far are forgotten (only failures without progress give up). False when the lease is no longer ours.
     */
    public Mono<Boolean> recordStep(String siteId, String owner, Instant t, Instant wall) {
        return db.sql("""
                        UPDATE test_clocks SET simulated_at = GREATEST(simulated_at, :t),
                               attempts = CASE WHEN :t > simulated_at THEN 0 ELSE attempts END, updated_at = :wall
                         WHERE site_id = :site AND status = 'advancing' AND lease_owner = :owner""")
                .bind("site", siteId).bind("owner", owner).bind("t", Rows.timestamp(t))
                .bind("wall", Rows.timestamp(wall))
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    /** The advance completed: ready, running from its target; false when the lease is no longer ours. */
    public Mono<Boolean> complete(TestClock reached, String owner, Instant wall) {
        return db.sql("""
                        UPDATE test_clocks
                           SET status = 'ready', simulated_at = :at, set_at_wall = :wall, advancing_to = NULL,
                               lease_owner = NULL, lease_until = NULL, retry_at = NULL, last_error = NULL,
                               updated_at = :wall
                         WHERE site_id = :site AND status = 'advancing' AND lease_owner = :owner""")
                .bind("site", reached.siteId()).bind("owner", owner)
                .bind("at", Rows.timestamp(reached.simulatedAt()))
                .bind("wall", Rows.timestamp(wall))
                .fetch().rowsUpdated().map(n -> n == 1);
    }

    /**
     * An attempt failed: it is counted, the lease is given up, and the next attempt waits until {@code retryAt}; or,
     * when this was the {@code maxAttempts}-th failure since the clock last moved forward ({@link #recordStep}), the
     * advance gives up: the clock is {@code failed} with {@code failure}, standing where the services last settled.
     * A lease lost (an instance stopped) is no failure.
     *
     * @return true when the clock is failed now
     */
    public Mono<Boolean> failed(String siteId, String owner, String error, String failure, int maxAttempts,
            Instant retryAt, Instant wall) {
        return db.sql("""
                        UPDATE test_clocks
                           SET attempts = attempts + 1,
                               status = CASE WHEN attempts + 1 >= :max THEN 'failed' ELSE status END,
                               advancing_to = CASE WHEN attempts + 1 >= :max THEN NULL ELSE advancing_to END,
                               retry_at = CASE WHEN attempts + 1 >= :max THEN NULL ELSE :retry END,
                               last_error = CASE WHEN attempts + 1 >= :max THEN :failure ELSE :error END,
                               lease_owner = NULL, lease_until = NULL, updated_at = :wall
                         WHERE site_id = :site AND status = 'advancing' AND lease_owner = :owner
                        RETURNING status""")
                .bind("site", siteId).bind("owner", owner).bind("max", maxAttempts)
                .bind("retry", Rows.timestamp(retryAt))
                .bind("error", limit(error))
                .bind("failure", limit(failure))
                .bind("wall", Rows.timestamp(wall))
                .map(row -> "failed".equals(row.get("status", String.class))).one()
                .defaultIfEmpty(false);
    }

    private static String limit(String text) {
        return text.length() > 2000 ? text.substring(0, 2000) : text;
    }

    /**
     * How many clocks of every site are advancing, counted under a transaction-wide advisory lock, so that two
     * advances admitted at the same time see each other (the lock is held until the caller's transaction ends).
     */
    public Mono<Long> countAdvancingExclusively() {
        return db.sql("SELECT pg_advisory_xact_lock(hashtext('test_clocks.admission'))").fetch().rowsUpdated()
                .then(db.sql("SELECT count(*) AS n FROM test_clocks WHERE status = 'advancing'")
                        .map(row -> row.get("n", Long.class)).one());
    }

    /** Gives up every lease of {@code owner} (an instance stopping): the advances are resumed by the next claim. */
    public Mono<Long> giveUpLeases(String owner, Instant wall) {
        return db.sql("""
                        UPDATE test_clocks SET lease_owner = NULL, lease_until = NULL, updated_at = :wall
                         WHERE status = 'advancing' AND lease_owner = :owner""")
                .bind("owner", owner).bind("wall", Rows.timestamp(wall))
                .fetch().rowsUpdated();
    }

    private static TestClock clock(Readable row) {
        return new TestClock(row.get("site_id", String.class), ClockStatus.of(row.get("status", String.class)),
                Rows.instant(row, "simulated_at"), Rows.instant(row, "set_at_wall"),
                Rows.instant(row, "advancing_to"), row.get("last_error", String.class));
    }
}
