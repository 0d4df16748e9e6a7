package io.masthead.platform.duework;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.time.SiteClocks;
import io.masthead.platform.time.SiteTime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.R2dbcException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 *   <li><b>Claim.</b> In waves (up to {@code batch-size} items a round) of at most {@code concurrency} items, or, when
 *       some handler takes chunks ({@link DueWorkChunkHandler}), of enough to fill {@code chunk-concurrency} chunks
 *       of {@code chunk-size} (at most {@code batch-size}; a drain claims that many at a time), each with
 *       two bounded index ranges ({@code FOR UPDATE SKIP LOCKED}, so runners never wait for each other), writing a
 *       lease (a fresh token, until the wall time plus {@code lease}): live items and test items of sites without a
 *       clock that are runnable at the wall time ({@code runnable_at}: due, retry and lease passed), then, for each
 *       running site clock, that site's test items due at its time. The wall time is the injected clock's, passed
 *       as a parameter. {@link #explainClaim} shows the plans.</li>
 *   <li><b>Run.</b> Every item of a wave at once, each in a transaction of its own: (the loop, for a test item)
 *       re-check that its site's clock is not frozen (else the item is given back for {@link #drain}); delete the
 *       item if it still carries this claim's token (otherwise it was moved or cancelled meanwhile: skipped), run
 *       its handler (at most {@code lease} long; a timeout is a failed try), count the site's activity (test sites
 *       with a clock; a drain counts once per group of items due at the same time), commit. So the handler's
 *       writes and the item's completion are atomic, and the handler may schedule the same (kind, key) again.
 *       Items of a chunk handler run in chunks instead (one kind and site each, one transaction per chunk, the lease
 *       renewed as the chunk starts and checked again before it commits; see {@link DueWorkChunkHandler}).</li>
 *   <li><b>Failure.</b> The transaction rolls back; the try is counted on the item with its error, and the item
 *       waits {@code retry-backoff} (doubling, at most {@code max-retry-backoff}, wall time) before its next try;
 *       after {@code max-attempts} tries it is parked (state {@code failed}) and stays, with its error, until an
 *       operator reschedules or deletes it. An item of a kind without a handler is parked at once. A lost deadlock
 *       or serialization failure (SQLSTATE 40P01, 40001) is tried again after a second, no try counted.</li>
 *   <li><b>Crash.</b> Items claimed by a runner that died are claimed again once their lease ended.</li>
 *   <li><b>Test clocks.</b> The background loop leaves the items of a site whose clock is frozen (a test clock
 *       advancing): {@link #drain} runs them, in due order.</li>
 * </ul>
 *
 * <p>Meters: {@code masthead_due_work_pending} (pending items), {@code masthead_due_work_failed} (parked items),
 * {@code masthead_due_work_overdue_seconds} (how long the oldest due live item has waited),
 * {@code masthead_due_work_processed_total{kind,outcome}} (outcome {@code succeeded}, {@code retried},
 * {@code parked}, {@code skipped}, {@code conflicted}), {@code masthead_due_work_chunks_split_total{kind}} (chunks
 * that failed and ran again one item at a time).
 */
public class DueWorkRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DueWorkRunner.class);
    private static final int MAX_ERROR_LENGTH = 4000;
    private static final Duration STATS_INTERVAL = Duration.ofSeconds(10);
    private static final Duration ROUND_FAILURE_PAUSE = Duration.ofSeconds(5);
    private static final Duration PENDING_STATS_INTERVAL = Duration.ofSeconds(60);
    private static final Duration TABLE_RECHECK = Duration.ofSeconds(60);
    /** A drain whose earliest item is claimed elsewhere or waits after a failure: pauses and tries again, a few times. */
    private static final Duration DRAIN_BLOCKED_PAUSE = Duration.ofMillis(50);
    private static final int DRAIN_BLOCKED_TRIES = 20;
    /** The wait of an item whose try lost a deadlock or a serialization conflict (no try counted). */
    static final Duration TRANSIENT_RETRY = Duration.ofSeconds(1);
    /** A group of a chunk handler's items (one kind and site) of at most this many runs as chunks of one. */
    private static final int SMALL_GROUP = 2;

    /** The time of a site's items, in the claim: the wall for live items and sites without a clock. */
    private static final String SITE_NOW = """
            CASE WHEN c.site_id IS NULL THEN :wall
                 WHEN c.frozen THEN c.simulated_at
                 ELSE c.simulated_at + GREATEST(:wall - c.set_at_wall, interval '0') END""";
    private static final String CLAIMABLE = """
            d.state = 'pending' AND (d.lease_until IS NULL OR d.lease_until <= :wall)
                AND (d.retry_at IS NULL OR d.retry_at <= :wall)""";
    private static final String RETURNING = "RETURNING id, site_id, livemode, kind, key, due_at, payload, attempts";
    /** (a) of the claim: live items and test items of sites without a clock, runnable at the wall time. */
    private static final String WALL_RANGE_CLAIM = """
            UPDATE due_work SET lease_token = :token, lease_until = :leaseUntil
             WHERE id = ANY(ARRAY(
                SELECT d.id FROM due_work d
                 WHERE d.state = 'pending' AND d.runnable_at <= :wall
                   AND (d.livemode OR NOT EXISTS (SELECT 1 FROM site_clocks c
                                                   WHERE c.site_id = d.site_id))
                 ORDER BY d.runnable_at, d.id
                 LIMIT :limit
                 FOR UPDATE OF d SKIP LOCKED))
            {RETURNING}""";
    /** (b) of the claim: for each running site clock, that site's test items due at its time. */
    private static final String CLOCK_RANGE_CLAIM = """
            UPDATE due_work SET lease_token = :token, lease_until = :leaseUntil
             WHERE id = ANY(ARRAY(
                SELECT x.id FROM site_clocks c
                 CROSS JOIN LATERAL (
                    SELECT d.id, d.due_at FROM due_work d
                     WHERE d.site_id = c.site_id AND d.state = 'pending' AND NOT d.livemode
                       AND d.due_at <= c.simulated_at
                                       + GREATEST(:wall - c.set_at_wall, interval '0')
                       AND {CLAIMABLE}
                     ORDER BY d.due_at, d.id
                     LIMIT :limit
                     FOR UPDATE OF d SKIP LOCKED) x
                 WHERE NOT c.frozen
                 ORDER BY x.due_at, x.id
                 LIMIT :limit))
            {RETURNING}""";

    private final DatabaseClient db;
    private final TransactionalOperator transactions;
    private final Map<String, DueWorkHandler> handlers;
    /** Whether some handler takes chunks: claims are then large enough to fill them. */
    private final boolean chunked;
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
    private long lastPendingStatsAt;

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
        this.chunked = byKind.values().stream().anyMatch(h -> h instanceof DueWorkChunkHandler);
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
     * each due time after the one before, including items the handlers add, until none is due. Test-mode items only.
     * When the earliest due items are claimed elsewhere, running or waiting after a failed try, no later item runs:
     * the drain tries again for a moment, then returns, and {@link #pending} counts them (the caller is not quiet).
     *
     * @return how many items ran to completion
     */
    public Mono<Integer> drain(String siteId, Instant upTo) {
        return drain(siteId, upTo, null).map(Drained::ran);
    }

    /** What a bounded {@link #drain(String, Instant, Duration)} did. */
    public record Drained(int ran, boolean cut) {
    }

    /**
     * {@link #drain(String, Instant)}, claiming no more items once {@code budget} has passed (the items claimed by
     * then still run): {@code cut} says it stopped for the budget with work possibly left (the caller asks again).
     * Cancelled (e.g. a caller that gave up), it gives back the leases of the items it had claimed and not yet run,
     * so they can run at once instead of after their lease.
     *
     * @param budget null for no bound
     */
    public Mono<Drained> drain(String siteId, Instant upTo, Duration budget) {
        return Mono.defer(() -> {
            AtomicInteger blockedTries = new AtomicInteger();
            AtomicBoolean cut = new AtomicBoolean();
            AtomicReference<UUID> inFlight = new AtomicReference<>();
            boolean bounded = budget != null;
            long deadline = bounded ? System.nanoTime() + budget.toNanos() : 0;
            return Mono.defer(() -> {
                        if (bounded && System.nanoTime() - deadline >= 0) {
                            cut.set(true);
                            return Mono.just(Optional.<Integer>empty());
                        }
                        return claimEarliestOfSite(siteId, upTo).flatMap(claim -> {
                            if (!claim.isEmpty()) {
                                blockedTries.set(0);
                                inFlight.set(claim.token());
                                return siteTime.now(siteId, false)
                                        .flatMap(siteNow -> runAll(claim, false, siteNow))
                                        .flatMap(ran -> siteClocks.countActivity(siteId, ran.uncounted())
                                                .thenReturn(Optional.of(ran.succeeded())))
                                        .doOnSuccess(ran -> inFlight.set(null));
                            }
                            // nothing claimable: done, unless the earliest due item is claimed elsewhere, running
                            // or waiting after a failed try; then it must run first (due order): wait briefly for
                            // it, then leave it to the caller (pending() counts it: not quiet)
                            return earliestDueOfSite(siteId, upTo).flatMap(earliest -> earliest.isEmpty()
                                    || blockedTries.incrementAndGet() > DRAIN_BLOCKED_TRIES
                                    ? Mono.just(Optional.<Integer>empty())
                                    : Mono.delay(DRAIN_BLOCKED_PAUSE).thenReturn(Optional.of(0)));
                        });
                    })
                    .repeat()
                    .takeWhile(Optional::isPresent)
                    .map(Optional::get)
                    .reduce(0, Integer::sum)
                    .map(ran -> new Drained(ran, cut.get()))
                    .doOnCancel(() -> {
                        UUID token = inFlight.get();
                        if (token != null) {
                            releaseLeases(token).subscribe(released -> {
                                if (released > 0) {
                                    log.info("Drain of site {} cancelled: gave back {} claimed items", siteId, released);
                                }
                            }, error -> log.warn("Drain of site {} cancelled; its leases stay until they end: {}",
                                    siteId, error.toString()));
                        }
                    });
        });
    }

    /** Gives back the items still leased by {@code token} (claimed, not run): they can be claimed again at once. */
    private Mono<Long> releaseLeases(UUID token) {
        return db.sql("""
                        UPDATE due_work SET lease_token = NULL, lease_until = NULL
                         WHERE lease_token = :token""")
                .bind("token", token).fetch().rowsUpdated();
    }

    /**
     * The earliest due time of the site's test-mode items (live items never concern a test clock), claimed ones and
     * ones waiting after a failure included; parked items excluded.
     */
    public Mono<Optional<Instant>> nextDue(String siteId) {
        return db.sql("""
                        SELECT min(due_at) AS next FROM due_work
                         WHERE site_id = :site AND state = 'pending' AND NOT livemode""")
                .bind("site", siteId)
                .map(row -> Optional.ofNullable(Rows.instant(row, "next")))
                .one();
    }

    /**
     * The site's test-mode items due at or before {@code upTo} not yet done: pending, claimed (also by the
     * background loop), running or waiting after a failure. Live items never count.
     */
    public Mono<Long> pending(String siteId, Instant upTo) {
        return db.sql("""
                        SELECT count(*) AS n FROM due_work
                         WHERE site_id = :site AND state = 'pending' AND NOT livemode AND due_at <= :upTo""")
                .bind("site", siteId).bind("upTo", Rows.timestamp(upTo))
                .map(row -> row.get("n", Long.class)).one();
    }

    /** The earliest due time of the site's pending test-mode items due at or before upTo and the site's time. */
    private Mono<Optional<Instant>> earliestDueOfSite(String siteId, Instant upTo) {
        return Mono.defer(() -> db.sql(sql("""
                        SELECT min(d.due_at) AS next FROM due_work d
                         WHERE d.site_id = :site AND d.state = 'pending' AND NOT d.livemode
                           AND d.due_at <= LEAST(:upTo, COALESCE((SELECT {SITE_NOW}
                                                                   FROM site_clocks c WHERE c.site_id = :site), :wall))"""))
                .bind("site", siteId).bind("upTo", Rows.timestamp(upTo)).bind("wall", Rows.timestamp(wall()))
                .map(row -> Optional.ofNullable(Rows.instant(row, "next")))
                .one());
    }

    private record Round(int claimed, int succeeded) {
    }

    private enum Outcome {
        SUCCEEDED, RETRIED, PARKED, SKIPPED, CONFLICTED,
        /** internal: the background loop found the item's site frozen (counted as skipped) */
        LEFT;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Claim(UUID token, List<DueItem> items) {
        boolean isEmpty() {
            return items.isEmpty();
        }
    }

    /**
     * Claims and runs waves ({@link #claimSize}, at most {@code batch-size}) until {@code batch-size} items were
     * claimed or a wave found fewer than it asked for. Every one-item run of a wave starts at once, so its lease
     * (from the claim) covers its start; once started, the item's row is locked by its own transaction (the guarded
     * DELETE) until it ends. A chunk, which may wait behind others, renews its lease as it starts.
     */
    private Mono<Round> round() {
        int wave = Math.min(properties.batchSize(), claimSize());
        return Mono.defer(() -> {
            AtomicInteger claimed = new AtomicInteger();
            AtomicInteger succeeded = new AtomicInteger();
            return Mono.defer(() -> claimDue(Math.min(wave, properties.batchSize() - claimed.get())))
                    .flatMap(claim -> claim.isEmpty() ? Mono.just(0)
                            : runAll(claim, true, null).map(ran -> {
                                claimed.addAndGet(claim.items().size());
                                succeeded.addAndGet(ran.succeeded());
                                return claim.items().size();
                            }))
                    .repeat()
                    .takeWhile(n -> n == wave && claimed.get() < properties.batchSize())
                    .then(Mono.fromSupplier(() -> new Round(claimed.get(), succeeded.get())));
        });
    }

    /**
     * The most items one claim takes: {@code concurrency} (every item of a claim starts at once, so its lease covers
     * its start), or, when some handler takes chunks, enough to fill {@code chunk-concurrency} chunks.
     */
    private int claimSize() {
        int items = Math.min(properties.batchSize(), properties.concurrency());
        return chunked ? Math.max(items, properties.chunkSize() * properties.chunkConcurrency()) : items;
    }

    /**
     * What a claim's run did.
     *
     * @param uncounted items that succeeded without counting their site's activity (one-item runs of a drain)
     */
    private record Ran(int succeeded, int uncounted) {
    }

    /**
     * Runs a claim: items of a {@link DueWorkChunkHandler} in chunks (one kind, site and mode each, at most
     * {@code chunk-size}, {@code chunk-concurrency} at once; each chunk counts its site's activity in its own
     * transaction; a group of at most two items runs as chunks of one, {@code concurrency} at once), every other
     * item in a transaction of its own ({@code concurrency} at once).
     *
     * @param countActivity whether each one-item run counts its site's activity in its own transaction (the loop);
     *                      a drain counts those once per group instead, so they do not queue on the site's clock row
     * @param siteNow       the site's time for every item (a drain: the site's clock is frozen), or null to read it
     *                      when each item or chunk runs
     */
    private Mono<Ran> runAll(Claim claim, boolean countActivity, Instant siteNow) {
        List<DueItem> singles = new ArrayList<>();
        Map<List<Object>, List<DueItem>> groups = new LinkedHashMap<>();
        for (DueItem item : claim.items()) {
            if (handlers.get(item.kind()) instanceof DueWorkChunkHandler) {
                groups.computeIfAbsent(List.of(item.siteId(), item.livemode(), item.kind()), k -> new ArrayList<>())
                        .add(item);
            } else {
                singles.add(item);
            }
        }
        List<List<DueItem>> chunks = new ArrayList<>();
        List<List<DueItem>> small = new ArrayList<>();
        for (List<DueItem> group : groups.values()) {
            if (group.size() <= SMALL_GROUP) {
                // a group this small gains nothing from a chunk: its items run as chunks of one, as many at once as
                // one-item runs, so items of many sites (e.g. live ones) do not queue at chunk-concurrency
                group.forEach(item -> small.add(List.of(item)));
                continue;
            }
            for (int i = 0; i < group.size(); i += properties.chunkSize()) {
                chunks.add(List.copyOf(group.subList(i, Math.min(group.size(), i + properties.chunkSize()))));
            }
        }
        Mono<Integer> one = Flux.fromIterable(singles)
                .flatMapSequential(item -> run(item, claim.token(), countActivity, siteNow), properties.concurrency())
                .filter(outcome -> outcome == Outcome.SUCCEEDED)
                .count()
                .map(Long::intValue);
        Mono<Integer> many = Flux.fromIterable(chunks)
                .flatMapSequential(chunk -> runChunk(chunk, claim.token(), countActivity, siteNow),
                        properties.chunkConcurrency())
                .reduce(0, Integer::sum);
        Mono<Integer> few = Flux.fromIterable(small)
                .flatMapSequential(chunk -> runChunk(chunk, claim.token(), countActivity, siteNow),
                        properties.concurrency())
                .reduce(0, Integer::sum);
        return Mono.zip(one, many, few).map(t -> new Ran(t.getT1() + t.getT2() + t.getT3(),
                countActivity ? 0 : t.getT1()));
    }

    /**
     * One chunk in one transaction (see {@link DueWorkChunkHandler}): the lease of the items still carrying the
     * claim's token is renewed as the chunk starts, and those (held) go to the handler, which locks and writes
     * (at most half a lease long); then they are locked and completed (deleted, unless the handler moved them), or,
     * if another runner took some of them meanwhile, the chunk rolls back; the site's activity is counted once. A
     * lost conflict gives every item back for a prompt retry; any other error runs the items again one by one, so
     * a failing item counts its tries (and is parked) alone.
     *
     * @return how many items ran to completion
     */
    private Mono<Integer> runChunk(List<DueItem> chunk, UUID token, boolean loop, Instant siteNow) {
        DueItem first = chunk.get(0);
        DueWorkChunkHandler handler = (DueWorkChunkHandler) handlers.get(first.kind());
        Long[] ids = chunk.stream().map(DueItem::id).toArray(Long[]::new);
        // the loop re-checks, in the chunk's transaction, that the site's clock is not frozen (as for one item)
        Mono<Boolean> siteFrozen = !loop || first.livemode() ? Mono.just(false)
                : db.sql("SELECT frozen FROM site_clocks WHERE site_id = :site").bind("site", first.siteId())
                        .map(row -> Boolean.TRUE.equals(row.get("frozen", Boolean.class))).one()
                        .defaultIfEmpty(false);
        // the chunk may have waited behind others since the claim: its lease is renewed as it starts (a statement
        // of its own, so the items' rows are not locked before the handler's aggregates); the items it still holds
        // are the ones it runs
        Mono<Integer> run = renewLeases(ids, token).flatMap(heldIds -> {
            List<DueItem> held = chunk.stream().filter(item -> heldIds.contains(item.id())).toList();
            if (held.isEmpty()) {
                return Mono.just(0);
            }
            Long[] heldArray = held.stream().map(DueItem::id).toArray(Long[]::new);
            Instant latestDue = held.stream().map(DueItem::dueAt).max(Comparator.naturalOrder()).orElseThrow();
            Mono<Integer> work = siteFrozen.flatMap(frozen -> frozen ? Mono.just(-1)
                    : (siteNow != null ? Mono.just(siteNow) : siteTime.now(first.siteId(), first.livemode()))
                            .flatMap(now -> Mono.defer(() -> handler.handleAll(held, later(now, latestDue)))
                                    .timeout(chunkTimeout()))
                            .then(completeChunk(heldArray, token))
                            .then(first.livemode() ? Mono.empty()
                                    : siteClocks.countActivity(first.siteId(), held.size()))
                            .thenReturn(held.size()));
            return transactions.transactional(work);
        });
        return run
                .flatMap(ran -> {
                    if (ran < 0) {
                        return releaseChunk(ids, token).doOnNext(n -> count(first.kind(), Outcome.SKIPPED, chunk.size()))
                                .thenReturn(0);
                    }
                    count(first.kind(), Outcome.SUCCEEDED, ran);
                    count(first.kind(), Outcome.SKIPPED, chunk.size() - ran);
                    return Mono.just(ran);
                })
                .onErrorResume(LeaseLost.class, lost -> {
                    // another runner took some of the items after this chunk's lease ended: this run's writes rolled
                    // back; the items this run still holds are given back, the others are the other runner's
                    log.warn("A chunk of {} due items ({} of site {}) rolled back: {}", chunk.size(), first.kind(),
                            first.siteId(), lost.getMessage());
                    count(first.kind(), Outcome.SKIPPED, chunk.size());
                    return releaseChunk(ids, token).thenReturn(0);
                })
                .onErrorResume(error -> !(error instanceof LeaseLost),
                        error -> chunkFailed(chunk, ids, token, loop, siteNow, error));
    }

    /**
     * The most a chunk's handler may run: half the lease, so a chunk whose lease was renewed as it started ends
     * (commits or rolls back) well within it.
     */
    private Duration chunkTimeout() {
        return properties.lease().dividedBy(2);
    }

    /** Renews the lease of those of the items that still carry the claim's token: the ids of those (held). */
    private Mono<java.util.Set<Long>> renewLeases(Long[] ids, UUID token) {
        return Mono.defer(() -> db.sql("""
                        UPDATE due_work SET lease_until = :leaseUntil
                         WHERE id = ANY(:ids) AND lease_token = :token
                        RETURNING id""")
                .bind("leaseUntil", Rows.timestamp(wall().plus(properties.lease())))
                .bind("ids", ids).bind("token", token)
                .map(row -> row.get("id", Long.class)).all()
                .collect(java.util.stream.Collectors.toSet()));
    }

    /**
     * Completes a chunk's held items, after its handler, in its transaction: locks them (due work last, as the API
     * paths do) and fails with {@link LeaseLost} if any now carries another claim's token (its lease ended and
     * another runner took it: this run must not commit); deletes those still carrying this claim's token (an item
     * the handler moved, e.g. scheduled again for its next time, carries none and stays; one it cancelled is gone).
     */
    private Mono<Void> completeChunk(Long[] held, UUID token) {
        return db.sql("SELECT id, lease_token FROM due_work WHERE id = ANY(:ids) ORDER BY id FOR UPDATE")
                .bind("ids", held)
                .map(row -> java.util.Optional.ofNullable(row.get("lease_token", UUID.class)))
                .all()
                .collectList()
                .flatMap(tokens -> {
                    long taken = tokens.stream().filter(t -> t.isPresent() && !t.get().equals(token)).count();
                    if (taken > 0) {
                        return Mono.error(new LeaseLost(taken + " of its " + held.length
                                + " items were claimed by another runner after its lease ended"));
                    }
                    long ours = tokens.stream().filter(t -> t.isPresent()).count();
                    return db.sql("DELETE FROM due_work WHERE id = ANY(:ids) AND lease_token = :token")
                            .bind("ids", held).bind("token", token).fetch().rowsUpdated()
                            .flatMap(deleted -> deleted == ours ? Mono.<Void>empty()
                                    : Mono.error(new LeaseLost("deleted " + deleted + " of the " + ours
                                            + " items it held")));
                });
    }

    /** A chunk found some of its items taken over by another runner: its transaction rolls back. */
    static final class LeaseLost extends RuntimeException {
        LeaseLost(String message) {
            super(message, null, false, false);
        }
    }

    private Mono<Long> releaseChunk(Long[] ids, UUID token) {
        return db.sql("""
                        UPDATE due_work SET lease_token = NULL, lease_until = NULL
                         WHERE id = ANY(:ids) AND lease_token = :token""")
                .bind("ids", ids).bind("token", token).fetch().rowsUpdated();
    }

    private Mono<Integer> chunkFailed(List<DueItem> chunk, Long[] ids, UUID token, boolean loop, Instant siteNow,
            Throwable error) {
        DueItem first = chunk.get(0);
        if (isTransient(error)) {
            // lost a deadlock or a serialization conflict: no fault of the items; all tried again shortly
            Instant retryAt = wall().plus(TRANSIENT_RETRY);
            return db.sql("""
                            UPDATE due_work SET last_error = :error, retry_at = :retryAt,
                                                lease_token = NULL, lease_until = NULL
                             WHERE id = ANY(:ids) AND lease_token = :token""")
                    .bind("error", describe(error)).bind("retryAt", Rows.timestamp(retryAt))
                    .bind("ids", ids).bind("token", token)
                    .fetch().rowsUpdated()
                    .map(updated -> {
                        log.info("A chunk of {} due items ({} of site {}) lost a lock conflict, tried again at {}: {}",
                                chunk.size(), first.kind(), first.siteId(), retryAt, describe(error));
                        count(first.kind(), Outcome.CONFLICTED, updated.intValue());
                        return 0;
                    });
        }
        if (chunk.size() == 1) {
            return failed(first, token, error).doOnNext(outcome -> count(first, outcome)).thenReturn(0);
        }
        log.warn("A chunk of {} due items ({} of site {}) failed; running them one by one: {}", chunk.size(),
                first.kind(), first.siteId(), describe(error));
        Counter.builder("masthead.due_work.chunks_split")
                .description("Chunks of due work that failed and were run again one item at a time")
                .tag("kind", first.kind()).register(meters).increment();
        return Flux.fromIterable(chunk)
                .concatMap(item -> runChunk(List.of(item), token, loop, siteNow))
                .reduce(0, Integer::sum);
    }

    /**
     * Two bounded index ranges, so the claim reads about as many rows as it takes whatever lies in the future:
     * (a) live items and test items of sites without a clock, runnable ({@code runnable_at}: due, retry and lease
     * passed) at the wall time, in that order; (b) for each running site clock, that site's test items due at its
     * time, in due order. Items of frozen sites are left to {@link #drain}.
     */
    private Mono<Claim> claimDue(int limit) {
        return Mono.defer(() -> {
            Instant wall = wall();
            UUID token = UUID.randomUUID();
            Mono<Claim> wallRange = claim(token, db.sql(sql(WALL_RANGE_CLAIM)), wall, limit);
            return wallRange.flatMap(a -> a.items().size() >= limit ? Mono.just(a)
                    : claim(token, db.sql(sql(CLOCK_RANGE_CLAIM)), wall, limit - a.items().size())
                            .map(b -> {
                                List<DueItem> both = new ArrayList<>(a.items());
                                both.addAll(b.items());
                                return new Claim(token, List.copyOf(both));
                            }));
        });
    }

    /**
     * The plans of the background claim's two statements as they run now ({@code EXPLAIN (ANALYZE, BUFFERS)}, in a
     * transaction that is rolled back, so nothing is claimed): an operator's check that a claim reads about as
     * many rows as it takes.
     */
    public Mono<String> explainClaim() {
        int limit = Math.min(properties.batchSize(), claimSize()); // a wave of the background loop
        return transactions.execute(status -> {
            status.setRollbackOnly();
            Instant wall = wall();
            return Flux.just(WALL_RANGE_CLAIM, CLOCK_RANGE_CLAIM)
                    .concatMap(statement -> db.sql("EXPLAIN (ANALYZE, BUFFERS) " + sql(statement))
                            .bind("token", UUID.randomUUID())
                            .bind("wall", Rows.timestamp(wall))
                            .bind("leaseUntil", Rows.timestamp(wall.plus(properties.lease())))
                            .bind("limit", limit)
                            .map(row -> row.get(0, String.class)).all()
                            .collectList().map(lines -> String.join("\n", lines)));
        }).collectList().map(plans -> String.join("\n\n", plans));
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
                                 WHERE d.site_id = :site AND d.state = 'pending' AND NOT d.livemode
                                   AND d.due_at <= bound.t
                            )
                            UPDATE due_work SET lease_token = :token, lease_until = :leaseUntil
                             WHERE id = ANY(ARRAY(
                                SELECT d.id FROM due_work d, earliest
                                 WHERE d.site_id = :site AND NOT d.livemode AND d.due_at = earliest.due_at
                                   AND {CLAIMABLE}
                                 ORDER BY d.id
                                 LIMIT :limit
                                 FOR UPDATE OF d SKIP LOCKED))
                            {RETURNING}"""))
                    .bind("site", siteId)
                    .bind("upTo", Rows.timestamp(upTo)), wall, claimSize());
        });
    }

    private static String sql(String template) {
        return template.replace("{CLAIMABLE}", CLAIMABLE).replace("{SITE_NOW}", SITE_NOW)
                .replace("{RETURNING}", RETURNING);
    }

    private Mono<Claim> claim(UUID token, DatabaseClient.GenericExecuteSpec statement, Instant wall, int limit) {
        return statement
                .bind("token", token)
                .bind("wall", Rows.timestamp(wall))
                .bind("leaseUntil", Rows.timestamp(wall.plus(properties.lease())))
                .bind("limit", limit)
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
        // the background loop (countActivity) re-checks, in the item's transaction, that the site's clock is not
        // frozen: a test clock that froze the site after the claim runs the item itself (drain), in due order
        Mono<Boolean> siteFrozen = !countActivity || item.livemode() ? Mono.just(false)
                : db.sql("SELECT frozen FROM site_clocks WHERE site_id = :site").bind("site", item.siteId())
                        .map(row -> Boolean.TRUE.equals(row.get("frozen", Boolean.class))).one()
                        .defaultIfEmpty(false);
        Mono<Outcome> work = siteFrozen.flatMap(frozen -> frozen ? Mono.just(Outcome.LEFT)
                : db.sql("DELETE FROM due_work WHERE id = :id AND lease_token = :token")
                .bind("id", item.id()).bind("token", token)
                .fetch().rowsUpdated()
                .flatMap(deleted -> deleted == 0 ? Mono.just(Outcome.SKIPPED)
                        : (siteNow != null ? Mono.just(siteNow) : siteTime.now(item.siteId(), item.livemode()))
                                .flatMap(now -> Mono.defer(() -> handler.handle(item, later(now, item.dueAt())))
                                        .timeout(properties.lease()))
                                .then(item.livemode() || !countActivity ? Mono.empty()
                                        : siteClocks.countActivity(item.siteId(), 1))
                                .thenReturn(Outcome.SUCCEEDED)));
        return transactions.transactional(work)
                .flatMap(outcome -> outcome == Outcome.LEFT ? unclaim(item, token) : Mono.just(outcome))
                .onErrorResume(error -> failed(item, token, error))
                .doOnNext(outcome -> count(item, outcome));
    }

    /** Gives a claimed item back (no try counted): its site was frozen after the claim. */
    private Mono<Outcome> unclaim(DueItem item, UUID token) {
        return db.sql("""
                        UPDATE due_work SET lease_token = NULL, lease_until = NULL
                         WHERE id = :id AND lease_token = :token""")
                .bind("id", item.id()).bind("token", token)
                .fetch().rowsUpdated().thenReturn(Outcome.SKIPPED);
    }

    /** A deadlock or serialization failure (SQLSTATE 40P01, 40001) anywhere in the error's causes. */
    static boolean isTransient(Throwable error) {
        return io.masthead.platform.r2dbc.Conflicts.isTransient(error);
    }

    private Mono<Outcome> failed(DueItem item, UUID token, Throwable error) {
        if (isTransient(error)) {
            // lost a deadlock or a serialization conflict: no fault of the item; tried again shortly, no try counted
            Instant retryAt = wall().plus(TRANSIENT_RETRY);
            return db.sql("""
                            UPDATE due_work SET last_error = :error, retry_at = :retryAt,
                                                lease_token = NULL, lease_until = NULL
                             WHERE id = :id AND lease_token = :token""")
                    .bind("error", describe(error)).bind("retryAt", Rows.timestamp(retryAt))
                    .bind("id", item.id()).bind("token", token)
                    .fetch().rowsUpdated()
                    .map(updated -> {
                        if (updated == 0) {
                            return Outcome.SKIPPED;
                        }
                        log.info("Due item {} ({} {} of site {}) lost a lock conflict, tried again at {}: {}",
                                item.id(), item.kind(), item.key(), item.siteId(), retryAt, describe(error));
                        return Outcome.CONFLICTED;
                    });
        }
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
        count(item.kind(), outcome, 1);
    }

    private void count(String kind, Outcome outcome, int items) {
        if (items > 0) {
            Counter.builder("masthead.due_work.processed").description("Due-work items run, by kind and outcome")
                    .tag("kind", kind).tag("outcome", outcome.tag()).register(meters).increment(items);
        }
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

    /** Refreshes every gauge from the table. */
    public Mono<Void> refreshStats() {
        return refreshCheapStats().then(refreshPendingCount());
    }

    /**
     * The parked count and the overdue time, from partial indexes: the parked items ({@code due_work_parked}) and
     * the front of the runnable range ({@code due_work_runnable}); the loop does it every few seconds. The overdue
     * time is how long the oldest runnable live item has waited since it could run (its due time, or the end of its
     * retry wait).
     */
    private Mono<Void> refreshCheapStats() {
        return Mono.defer(() -> {
            Instant wall = wall();
            return db.sql("""
                            SELECT (SELECT count(*) FROM due_work WHERE state = 'failed') AS failed,
                                   (SELECT runnable_at FROM due_work
                                     WHERE state = 'pending' AND livemode AND runnable_at <= :wall
                                     ORDER BY runnable_at, id LIMIT 1) AS oldest""")
                    .bind("wall", Rows.timestamp(wall))
                    .map(row -> {
                        failedItems.set(row.get("failed", Long.class));
                        Instant oldest = Rows.instant(row, "oldest");
                        overdueMillis.set(oldest == null ? 0 : Math.max(0, Duration.between(oldest, wall).toMillis()));
                        return true;
                    })
                    .one().then();
        });
    }

    /** The pending count reads every pending item's index entry: the loop does it once a minute. */
    private Mono<Void> refreshPendingCount() {
        return db.sql("SELECT count(*) AS pending FROM due_work WHERE state = 'pending'")
                .map(row -> row.get("pending", Long.class)).one()
                .doOnNext(pendingItems::set).then();
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
                try {
                    // let the round in flight finish (its items commit or count their try), then interrupt a pause
                    if (!t.join(Duration.ofSeconds(10))) {
                        t.interrupt();
                        t.join(Duration.ofSeconds(5));
                    }
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
        boolean told = false;
        while (running.get() && !tablePresent()) {
            if (!told) {
                log.info("No due_work table in this database (yet): the due-work loop checks again every {}",
                        TABLE_RECHECK);
                told = true;
            }
            sleep(TABLE_RECHECK);
        }
        // a round runs waves of items, each item at most a lease long: the timeout only guards against a hang
        long waves = (properties.batchSize() + properties.concurrency() - 1) / properties.concurrency();
        Duration roundTimeout = properties.lease().multipliedBy(waves + 1).plus(Duration.ofMinutes(1));
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
        if (lastStatsAt != 0 && now - lastStatsAt < STATS_INTERVAL.toNanos()) {
            return;
        }
        lastStatsAt = now;
        refreshCheapStats().block(Duration.ofSeconds(30));
        if (lastPendingStatsAt == 0 || now - lastPendingStatsAt >= PENDING_STATS_INTERVAL.toNanos()) {
            lastPendingStatsAt = now;
            refreshPendingCount().block(Duration.ofSeconds(30));
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
