package io.masthead.platform.time;

import io.masthead.platform.r2dbc.Rows;
import java.time.Clock;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * The {@code site_clocks} table of this service's database: the simulated time of test-mode sites, set by the test
 * clock, and the activity counter of each such site. A site's time never moves backward: freezing or releasing at
 * a time before the site's current time keeps the current time.
 */
public class SiteClocks {

    /** The site's time as stored: NULL (no row, or no clock) is the wall clock {@code :wall}. */
    static final String CURRENT = """
            CASE WHEN site_clocks.frozen THEN site_clocks.simulated_at
                 ELSE site_clocks.simulated_at + GREATEST(:wall - site_clocks.set_at_wall, interval '0') END""";

    private final DatabaseClient db;
    private final Clock clock;

    public SiteClocks(DatabaseClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The site's time stands at {@code at} (or at its current time, when that is later) until released. */
    public Mono<Void> freeze(String siteId, Instant at) {
        return set(siteId, at, true);
    }

    /** The site's time runs on with the wall clock from {@code at} (or from its current time, when that is later). */
    public Mono<Void> release(String siteId, Instant at) {
        return set(siteId, at, false);
    }

    private Mono<Void> set(String siteId, Instant at, boolean frozen) {
        return Mono.defer(() -> db.sql("""
                        INSERT INTO site_clocks (site_id, simulated_at, set_at_wall, frozen)
                        VALUES (:site, GREATEST(:at, :wall), :wall, :frozen)
                        ON CONFLICT (site_id) DO UPDATE
                           SET simulated_at = GREATEST(:at, {CURRENT}),
                               set_at_wall = :wall,
                               frozen = :frozen""".replace("{CURRENT}", CURRENT))
                .bind("site", siteId)
                .bind("at", Rows.timestamp(at))
                .bind("wall", Rows.timestamp(Timestamps.now(clock)))
                .bind("frozen", frozen)
                .fetch().rowsUpdated().then());
    }

    /** How often this service processed due work of the site or applied an event of the site (0 without a row). */
    public Mono<Long> activity(String siteId) {
        return db.sql("SELECT activity FROM site_clocks WHERE site_id = :site").bind("site", siteId)
                .map(row -> row.get("activity", Long.class)).one().defaultIfEmpty(0L);
    }

    /**
     * Test-mode events of the site not yet published: rows in the outbox (the relay deletes a row once Kafka
     * acknowledged it) and rows parked in {@code outbox_parked} (they will not be published until an operator
     * releases them, so a test clock must not call the site quiet while there are any; {@link #outboxParked} tells
     * them apart). Live events never count (the outbox keeps no site for them).
     */
    public Mono<Long> outboxPending(String siteId) {
        return db.sql("""
                        SELECT (SELECT count(*) FROM outbox WHERE site_id = :site)
                             + (SELECT count(*) FROM outbox_parked WHERE site_id = :site) AS n""")
                .bind("site", siteId)
                .map(row -> row.get("n", Long.class)).one();
    }

    /** Test-mode events of the site parked in {@code outbox_parked} (included in {@link #outboxPending}). */
    public Mono<Long> outboxParked(String siteId) {
        return db.sql("SELECT count(*) AS n FROM outbox_parked WHERE site_id = :site").bind("site", siteId)
                .map(row -> row.get("n", Long.class)).one();
    }

    /**
     * Counts {@code units} of activity of a test-mode site, in the caller's transaction: one UPDATE of the site's
     * row, which changes nothing (and writes nothing) for a site without a clock. Nothing at all for 0 units.
     */
    public Mono<Void> countActivity(String siteId, long units) {
        if (units <= 0) {
            return Mono.empty();
        }
        return db.sql("UPDATE site_clocks SET activity = activity + :units WHERE site_id = :site")
                .bind("site", siteId).bind("units", units)
                .fetch().rowsUpdated().then();
    }
}
