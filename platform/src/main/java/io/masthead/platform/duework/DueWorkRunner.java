package io.masthead.platform.duework;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.time.SiteClocks;
import io.masthead.platform.time.SiteTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs due work: items whose due time is at or before their site's time ({@link SiteTime}).
 *
 * <ul>
 *   <li><b>Claim.</b> One statement takes up to {@code batch-size} due items in due order ({@code FOR UPDATE SKIP
 *       LOCKED}, so runners never wait for each other) and writes a lease on them (a fresh token, until the wall
 *       time plus {@code lease}). The site's time is computed in the statement from {@code site_clocks}; the wall
 *       time is the injected clock's, passed as a parameter.</li>
 *   <li><b>Run.</b> Each item in a transaction of its own: delete the item if it still carries this claim's token
 *       (otherwise it was moved or cancelled meanwhile: skipped), run its handler, count the site's activity (test
 *       sites with a clock; a drain counts once per group of items due at the same time), commit. So the handler's writes and the item's completion are atomic, and the handler
 *       may schedule the same (kind, key) again.</li>
 *   <li><b>Failure.</b> The transaction rolls back; the try is counted on the item with its error, and the item
 *       waits {@code retry-backoff} (doubling, at most {@code max-retry-backoff}, wall time) before its next try;
 *       after {@code max-attempts} tries it is parked (state {@code failed}) and stays, with its error, until an
 *       operator reschedules or deletes it. An item of a kind without a handler is parked at once.</li>
 *   <li><b>Crash.</b> Items claimed by a runner that died are claimed again once their lease ended.</li>
 *   <li><b>Test clocks.</b> The background loop leaves the items of a site whose clock is frozen (a test clock
 *       advancing): {@link #drain} runs them, in due order.</li>
 * </ul>
 *
 * <p>Meters: {@code masthead_due_work_pending} (pending items), {@code masthead_due_work_failed} (parked items),
 * {@code masthead_due_work_overdue_seconds} (how long the oldest due live item has waited),
 * {@code masthead_due_work_processed_total{kind,outcome}} (outcome {@code succeeded}, {@code retried},
 * {@code parked}, {@code skipped}).
 */
public class DueWorkRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DueWorkRunner.class);
    private static final int MAX_ERROR_LENGTH = 4000;
    private static final Duration STATS_INTERVAL = Duration.ofSeconds(2);
    private static final Duration ROUND_FAILURE_PAUSE = Duration.ofSeconds(5);

    /** The time of a site's items, in the claim: the wall for live items and sites without a clock. */
    private static final String SITE_NOW = """
            CASE WHEN c.site_id IS NULL THEN :wall
                 WHEN c.frozen THEN c.simulated_at
                 ELSE c.simulated_at + GREATEST(:wall - c.set_at_wall, interval '0') END""";
    private static final String CLAIMABLE = """
            d.state = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= :wall)
                AND (d.retry_at IS NULL OR d.retry_at <= :wall)""";
    private static final String RETURNING = "RETURNING id, site_id, livemode, kind, key, due_at, payload, attempts";

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final Map<String, DueWorkHandler> handlers;
    private final SiteTime siteTime;
    private final SiteClocks siteClocks;
    private final Clock clock;
    private final DueWorkProperties properties;
    private final MeterRegistry meters;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong pendingItems = new AtomicLong();
    private final AtomicLong failedItems = new AtomicLong();
    private final AtomicLong overdueMillis = new AtomicLong();
    private volatile Thread thread;
    private long lastStatsAt;

    public DueWorkRunner(DatabaseClient db, TransactionalOperator transactions, Collection<DueWorkHandler> handlers,
            SiteTime siteTime, SiteClocks siteClocks, Clock clock, DueWorkProperties properties, MeterRegistry meters) {
        this.db = db;
        this.transactions = transactions;
        this.siteTime = siteTime;
        this.siteClocks = siteClocks;
        this.clock = clock;
        this.properties = properties;
        this.meters = meters;
        Map<String, DueWorkHandler> byKind = new HashMap<>();
        for (DueWorkHandler handler : handlers) {
            DueWorkHandler other = byKind.put(handler.kind(), handler);
            if (other != null) {
                throw new IllegalStateException("two due-work handlers of kind " + handler.kind() + ": "
                        + other.getClass().getName() + " and " + handler.getClass().getName());
            }
        }
        this.handlers = Map.copyOf(byKind);
        Gauge.builder("masthead.due_work.pending", pendingItems, AtomicLong::get)
                .description("Due-work items not yet done (parked ones excluded)").register(meters);
        Gauge.builder("masthead.due_work.failed", failedItems, AtomicLong::get)
                .description("Due-work items parked after max-attempts failed tries, waiting for an operator")
                .register(meters);
        Gauge.builder("masthead.due_work.overdue", overdueMillis, v -> v.get() / 1000.0).baseUnit("seconds")
                .description("How long the oldest due live item has waited past its due time").register(meters);
    }

    /** The kinds this service has handlers for. */
    public java.util.Set<String> kinds() {
        return handlers.keySet();
    }

    /**
     * One round of the background loop, now: claims up to {@code batch-size} due items (of sites whose clock is not
     * frozen) and runs them, at most {@code concurrency} at once, started in due order.
     *
     * @return how many items ran to completion
     */
    public Mono<Integer> runOnce() {
        return round().map(Round::succeeded);
    }

    /**
     * Runs every item of the site due at or before {@code upTo} (and the site's time: a test clock freezes the
     * site's time first), in due order: items due at the same time together (at most {@code concurrency} at once),
     * each due time after the one before, including items the handlers add, until none is due. Items claimed
     * elsewhere and items waiting after a failed try are left (see {@link #pending}).
     *
     * @return how many items ran to completion
     */
    public Mono<Integer> drain(String siteId, Instant upTo) {
        return Mono.defer(() -> claimEarliestOfSite(siteId, upTo)
                        .flatMap(items -> items.isEmpty() ? Mono.just(Optional.<Integer>empty())
                                : siteTime.now(siteId, items.items().get(0).livemode())
                                        .flatMap(siteNow -> runAll(items, false, siteNow))
                                        .flatMap(succeeded -> siteClocks.countActivity(siteId, succeeded)
                                                .thenReturn(Optional.of(succeeded)))))
                .repeat()
                .takeWhile(Optional::isPresent)
                .map(Optional::get)
                .reduce(0, Integer::sum);
    }

    /** The earliest due time of the site's pending items (claimed ones and ones waiting after a failure included). */
    public Mono<Optional<Instant>> nextDue(String siteId) {
        return db.sql("SELECT min(due_at) AS next FROM due_work WHERE site_id = :site AND state = 'pending'")
                .bind("site", siteId)
                .map(row -> Optional.ofNullable(Rows.instant(row, "next")))
                .one();
    }

    /** The site's items due at or before {@code upTo} not yet done: pending, claimed or waiting after a failure. */
    public Mono<Long> pending(String siteId, Instant upTo) {
        return db.sql("""
                        SELECT count(*) AS n FROM due_work
                         WHERE site_id = :site AND state = 'pending' AND due_at <= :upTo""")
                .bind("site", siteId).bind("upTo", Rows.timestamp(upTo))
                .map(row -> row.get("n", Long.class)).one();
    }

    private record Round(int claimed, int succeeded) {
    }

    private enum Outcome {
        SUCCEEDED, RETRIED, PARKED, SKIPPED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Claim(UUID token, List<DueItem> items) {
        boolean isEmpty() {
            return items.isEmpty();
        }
    }

    private Mono<Round> round() {
        return claimDue().flatMap(claim -> claim.isEmpty() ? Mono.just(new Round(0, 0))
                : runAll(claim, true, null).map(succeeded -> new Round(claim.items().size(), succeeded)));
    }

    /**
     * @param countActivity whether each item counts its site's activity in its own transaction (the loop); a drain
     *                      counts its site's items once per group instead, so the items of a group do not queue
     *                      on the site's clock row
     * @param siteNow       the site's time for every item (a drain: the site's clock is frozen), or null to read it
     *                      for each item when it runs
     */
    private Mono<Integer> runAll(Claim claim, boolean countActivity, Instant siteNow) {
        return Flux.fromIterable(claim.items())
                .flatMapSequential(item -> run(item, claim.token(), countActivity, siteNow), properties.concurrency())
                .filter(outcome -> outcome == Outcome.SUCCEEDED)
                .count()
                .map(Long::intValue);
    }

    private Mono<Claim> claimDue() {
        return Mono.defer(() -> {
            Instant wall = wall();
            UUID token = UUID.randomUUID();
            return claim(token, db.sql(sql("""
                            UPDATE due_work SET lease_token = :token, lease_until = :leaseUntil
                             WHERE id = ANY(ARRAY(
                                SELECT d.id FROM due_work d
                                  LEFT JOIN site_clocks c ON c.site_id = d.site_id AND NOT d.livemode
                                 WHERE d.due_at <= (SELECT GREATEST(:wall, max(s.simulated_at
                                                              + GREATEST(:wall - s.set_at_wall, interval '0')))
                                                      FROM site_clocks s WHERE NOT s.frozen)
                                   AND {CLAIMABLE}
                                   AND (c.site_id IS NULL OR NOT c.frozen)
                                   AND d.due_at <= {SITE_NOW}
                                 ORDER BY d.due_at, d.id
                                 LIMIT :limit
                                 FOR UPDATE OF d SKIP LOCKED))
                            {RETURNING}""")), wall);
        });
    }

    private Mono<Claim> claimEarliestOfSite(String siteId, Instant upTo) {
        return Mono.defer(() -> {
            Instant wall = wall();
            UUID token = UUID.randomUUID();
            return claim(token, db.sql(sql("""
                            WITH bound AS (
                                SELECT LEAST(:upTo, COALESCE((SELECT {SITE_NOW}
                                                                FROM site_clocks c WHERE c.site_id = :site), :wall)) AS t
                            ), earliest AS (
                                SELECT min(d.due_at) AS due_at FROM due_work d, bound
                                 WHERE d.site_id = :site AND d.due_at <= bound.t AND {CLAIMABLE}
                            )
                            UPDATE due_work SET lease_token = :token, lease_until = :leaseUntil
                             WHERE id = ANY(ARRAY(
                                SELECT d.id FROM due_work d, earliest
                                 WHERE d.site_id = :site AND d.due_at = earliest.due_at AND {CLAIMABLE}
                                 ORDER BY d.id
                                 LIMIT :limit
                                 FOR UPDATE OF d SKIP LOCKED))
                            {RETURNING}"""))
                    .bind("site", siteId)
                    .bind("upTo", Rows.timestamp(upTo)), wall);
        });
    }

    private static String sql(String template) {
        return template.replace("{CLAIMABLE}", CLAIMABLE).replace("{SITE_NOW}", SITE_NOW)
                .replace("{RETURNING}", RETURNING);
    }

    private Mono<Claim> claim(UUID token, DatabaseClient.GenericExecuteSpec statement, Instant wall) {
        return statement
                .bind("token", token)
                .bind("wall", Rows.timestamp(wall))
                .bind("leaseUntil", Rows.timestamp(wall.plus(properties.lease())))
                .bind("limit", properties.batchSize())
                .map(row -> new DueItem(row.get("id", Long.class), row.get("site_id", String.class),
                        Boolean.TRUE.equals(row.get("livemode", Boolean.class)), row.get("kind", String.class),
                        row.get("key", String.class), Rows.instant(row, "due_at"), row.get("payload", String.class),
                        row.get("attempts", Integer.class)))
                .all()
                .collectList()
                .map(items -> {
                    List<DueItem> sorted = new ArrayList<>(items);
                    sorted.sort(Comparator.comparing(DueItem::dueAt).thenComparingLong(DueItem::id));
                    return new Claim(token, List.copyOf(sorted));
                });
    }

    private Mono<Outcome> run(DueItem item, UUID token, boolean countActivity, Instant siteNow) {
        DueWorkHandler handler = handlers.get(item.kind());
        if (handler == null) {
            return park(item, token, "no due-work handler of kind '" + item.kind() + "' in this service (kinds: "
                    + new java.util.TreeSet<>(handlers.keySet()) + ")");
        }
        Mono<Boolean> work = db.sql("DELETE FROM due_work WHERE id = :id AND lease_token = :token")
                .bind("id", item.id()).bind("token", token)
                .fetch().rowsUpdated()
                .flatMap(deleted -> deleted == 0 ? Mono.just(false)
                        : (siteNow != null ? Mono.just(siteNow) : siteTime.now(item.siteId(), item.livemode()))
                                .flatMap(now -> Mono.defer(() -> handler.handle(item, later(now, item.dueAt())))
                                        .timeout(properties.lease()))
                                .then(item.livemode() || !countActivity ? Mono.empty()
                                        : siteClocks.countActivity(item.siteId(), 1))
                                .thenReturn(true));
        return transactions.transactional(work)
                .map(done -> done ? Outcome.SUCCEEDED : Outcome.SKIPPED)
                .onErrorResume(error -> failed(item, token, error))
                .doOnNext(outcome -> count(item, outcome));
    }

    private Mono<Outcome> failed(DueItem item, UUID token, Throwable error) {
        int tries = item.attempts() + 1;
        boolean park = tries >= properties.maxAttempts();
        String text = describe(error);
        Instant retryAt = wall().plus(properties.backoffAfter(tries));
        return db.sql("""
                        UPDATE due_work SET attempts = :tries, last_error = :error, state = :state, retry_at = :retryAt,
                                            lease_token = NULL, lease_until = NULL
                         WHERE id = :id AND lease_token = :token""")
                .bind("tries", tries).bind("error", text).bind("state", park ? "failed" : "pending")
                .bind("retryAt", Rows.timestamp(retryAt)).bind("id", item.id()).bind("token", token)
                .fetch().rowsUpdated()
                .map(updated -> {
                    if (updated == 0) {
                        return Outcome.SKIPPED;
                    }
                    if (park) {
                        log.error("Due item {} ({} {} of site {}) parked after {} tries: {}. Reschedule it, or delete "
                                        + "it: DELETE FROM due_work WHERE id = {}", item.id(), item.kind(), item.key(),
                                item.siteId(), tries, text, item.id());
                        return Outcome.PARKED;
                    }
                    log.warn("Due item {} ({} {} of site {}) failed (try {} of {}), next try at {}: {}", item.id(),
                            item.kind(), item.key(), item.siteId(), tries, properties.maxAttempts(), retryAt, text);
                    return Outcome.RETRIED;
                });
    }

    private Mono<Outcome> park(DueItem item, UUID token, String error) {
        return db.sql("""
                        UPDATE due_work SET attempts = attempts + 1, last_error = :error, state = 'failed',
                                            lease_token = NULL, lease_until = NULL
                         WHERE id = :id AND lease_token = :token""")
                .bind("error", error).bind("id", item.id()).bind("token", token)
                .fetch().rowsUpdated()
                .map(updated -> {
                    if (updated == 0) {
                        return Outcome.SKIPPED;
                    }
                    log.error("Due item {} ({} {} of site {}) parked: {}", item.id(), item.kind(), item.key(),
                            item.siteId(), error);
                    return Outcome.PARKED;
                })
                .doOnNext(outcome -> count(item, outcome));
    }

    private void count(DueItem item, Outcome outcome) {
        Counter.builder("masthead.due_work.processed").description("Due-work items run, by kind and outcome")
                .tag("kind", item.kind()).tag("outcome", outcome.tag()).register(meters).increment();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isBefore(b) ? b : a;
    }

    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null && text.length() < MAX_ERROR_LENGTH; t = t.getCause() == t ? null
                : t.getCause()) {
            if (!text.isEmpty()) {
                text.append("; caused by ");
            }
            text.append(t.getClass().getName());
            if (t.getMessage() != null) {
                text.append(": ").append(t.getMessage());
            }
        }
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text.toString();
    }

    private Instant wall() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Refreshes the gauges from the table (the loop does it every few seconds). */
    public Mono<Void> refreshStats() {
        return Mono.defer(() -> {
            Instant wall = wall();
            return db.sql("""
                            SELECT count(*) FILTER (WHERE state = 'pending') AS pending,
                                   count(*) FILTER (WHERE state = 'failed') AS failed,
                                   min(due_at) FILTER (WHERE state = 'pending' AND livemode) AS oldest
                              FROM due_work""")
                    .map(row -> {
                        pendingItems.set(row.get("pending", Long.class));
                        failedItems.set(row.get("failed", Long.class));
                        Instant oldest = Rows.instant(row, "oldest");
                        overdueMillis.set(oldest == null ? 0 : Math.max(0, Duration.between(oldest, wall).toMillis()));
                        return true;
                    })
                    .one().then();
        });
    }

    // --- the background loop

    @Override
    public void start() {
        if (properties.enabled() && running.compareAndSet(false, true)) {
            thread = Thread.ofPlatform().name("due-work").daemon().start(this::loop);
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false)) {
            Thread t = thread;
            if (t != null) {
                t.interrupt();
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    private void loop() {
        if (!tablePresent()) {
            log.info("No due_work table in this database: the due-work loop does not run");
            running.set(false);
            return;
        }
        Duration roundTimeout = properties.lease().multipliedBy(2);
        while (running.get()) {
            try {
                Round round = round().block(roundTimeout);
                refreshStatsIfDue();
                if (round == null || round.claimed() < properties.batchSize()) {
                    sleep(properties.pollInterval());
                }
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                log.warn("Due-work round failed (retried in {}): {}", ROUND_FAILURE_PAUSE, e.toString());
                sleep(ROUND_FAILURE_PAUSE);
            }
        }
    }

    private boolean tablePresent() {
        while (running.get()) {
            try {
                Boolean present = db.sql("SELECT to_regclass('due_work') IS NOT NULL AS present")
                        .map(row -> Boolean.TRUE.equals(row.get("present", Boolean.class))).one()
                        .block(Duration.ofSeconds(30));
                return Boolean.TRUE.equals(present);
            } catch (RuntimeException e) {
                log.warn("Due-work loop: database not reachable (retried in {}): {}", ROUND_FAILURE_PAUSE,
                        e.toString());
                sleep(ROUND_FAILURE_PAUSE);
            }
        }
        return false;
    }

    private void refreshStatsIfDue() {
        long now = System.nanoTime();
        if (now - lastStatsAt < STATS_INTERVAL.toNanos()) {
            return;
        }
        lastStatsAt = now;
        refreshStats().block(Duration.ofSeconds(30));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
