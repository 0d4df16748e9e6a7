package io.masthead.platform.time;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.security.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * What time it is for a site: the one source of "now" for resource timestamps, event times and due work.
 *
 * <ul>
 *   <li>A live site: the service's clock ({@link Timestamps#now(Clock)}), no database read.</li>
 *   <li>A test-mode site without a row in {@code site_clocks}: the same.</li>
 *   <li>A test-mode site with a row ({@link SiteClocks}, written by the test clock): its {@link SiteClock}.</li>
 * </ul>
 * Millisecond precision. Without a database (or one without the platform's tables), the clock for every site.
 */
public class SiteTime {

    private final Clock clock;
    private final DatabaseClient db;
    private final AtomicReference<Boolean> tablePresent = new AtomicReference<>();

    /** @param db the service's database; null for a service without one */
    public SiteTime(Clock clock, DatabaseClient db) {
        this.clock = clock;
        this.db = db;
    }

    public Mono<Instant> now(Caller caller) {
        return now(caller.siteId(), caller.livemode());
    }

    public Mono<Instant> now(String siteId, boolean livemode) {
        return Mono.defer(() -> {
            Instant wall = Timestamps.now(clock);
            if (livemode || db == null) {
                return Mono.just(wall);
            }
            return clockOf(siteId).map(siteClock -> siteClock.now(wall)).defaultIfEmpty(wall);
        });
    }

    /** The stored clock of a test-mode site, or empty when it has none. */
    public Mono<SiteClock> clockOf(String siteId) {
        if (db == null) {
            return Mono.empty();
        }
        return tablePresent().flatMap(present -> !present ? Mono.<SiteClock>empty() : db.sql("""
                        SELECT simulated_at, set_at_wall, frozen FROM site_clocks WHERE site_id = :site""")
                .bind("site", siteId)
                .map(row -> new SiteClock(Rows.instant(row, "simulated_at"), Rows.instant(row, "set_at_wall"),
                        Boolean.TRUE.equals(row.get("frozen", Boolean.class))))
                .one());
    }

    /** The wall clock of this service (the injected clock), in milliseconds. */
    public Instant wall() {
        return Timestamps.now(clock);
    }

    // a database without the platform's tables (the gateway's) has no site clocks: checked once
    private Mono<Boolean> tablePresent() {
        Boolean known = tablePresent.get();
        if (known != null) {
            return Mono.just(known);
        }
        return db.sql("SELECT to_regclass('site_clocks') IS NOT NULL AS present")
                .map(row -> Boolean.TRUE.equals(row.get("present", Boolean.class))).one()
                .doOnNext(tablePresent::set);
    }
}
