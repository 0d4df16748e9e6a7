package io.masthead.test.spring.duework;

import io.masthead.platform.duework.DueItem;
import io.masthead.platform.duework.DueWork;
import io.masthead.platform.duework.DueWorkChunkHandler;
import io.masthead.platform.duework.DueWorkHandler;
import io.masthead.platform.kafka.TopicDefinition;
import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAmount;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A service on the platform with due work, to test {@link DueWork} and the runner end to end: every handler writes
 * a row to {@code due_log} (in the item's transaction), so a test sees what ran, when, at which site time, and that
 * a failed run left nothing behind.
 */
@SpringBootApplication
public class DueWorkSampleApplication {

    public static final String TOPIC = "duework.samples.v1";

    /** The wall clock tests move (due times, leases and backoff are measured on it). */
    @Bean
    MutableClock clock() {
        return new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    @Bean
    TopicDefinition samplesTopic() {
        return new TopicDefinition(TOPIC, 3);
    }

    @Bean
    ApplicationRunner schema(DatabaseClient db) {
        return args -> db.sql("""
                CREATE TABLE IF NOT EXISTS due_log (
                    id       BIGSERIAL PRIMARY KEY,
                    kind     TEXT NOT NULL,
                    key      TEXT NOT NULL,
                    site_id  TEXT NOT NULL,
                    due_at   TIMESTAMPTZ NOT NULL,
                    site_now TIMESTAMPTZ NOT NULL,
                    attempts INTEGER NOT NULL
                )""").then().block();
    }

    static Mono<Void> log(DatabaseClient db, DueItem item, Instant siteNow) {
        return db.sql("""
                        INSERT INTO due_log (kind, key, site_id, due_at, site_now, attempts)
                        VALUES (:kind, :key, :site, :dueAt, :siteNow, :attempts)""")
                .bind("kind", item.kind()).bind("key", item.key()).bind("site", item.siteId())
                .bind("dueAt", Rows.timestamp(item.dueAt())).bind("siteNow", Rows.timestamp(siteNow))
                .bind("attempts", item.attempts())
                .then();
    }

    /**
     * {@code sample.record}: logs the run. Payload {@code every=<ISO period or duration>} schedules the same item
     * again that much after its due time; {@code child=<amount>} schedules the item {@code <key>/child} that much
     * after it; {@code move=<key>} moves the item {@code <key>} of its kind to a day after its own due time;
     * {@code deadlock=<n>} fails its first n runs with a real SQLSTATE 40P01 from the database (a lost deadlock);
     * {@code gate} schedules itself again a day later, then waits until {@link #GATE} completes (a handler still
     * running while something else happens), telling {@link #GATE_ENTERED}.
     */
    @Component
    static class RecordingHandler implements DueWorkHandler {
        public static volatile CompletableFuture<Void> GATE = new CompletableFuture<>();
        public static volatile CompletableFuture<Void> GATE_ENTERED = new CompletableFuture<>();
        private static final Map<String, AtomicInteger> DEADLOCKS = new ConcurrentHashMap<>();
        private final DatabaseClient db;
        private final DueWork dueWork;

        RecordingHandler(DatabaseClient db, DueWork dueWork) {
            this.db = db;
            this.dueWork = dueWork;
        }

        @Override
        public String kind() {
            return "sample.record";
        }

        @Override
        public Mono<Void> handle(DueItem item, Instant siteNow) {
            Mono<Void> next = Mono.empty();
            String payload = item.payload();
            if (payload != null && payload.startsWith("every=")) {
                next = dueWork.schedule(item.siteId(), item.livemode(), item.kind(), item.key(),
                        item.dueAt().plus(amount(payload.substring(6))), payload);
            } else if (payload != null && payload.startsWith("move=")) {
                next = dueWork.schedule(item.siteId(), item.livemode(), item.kind(), payload.substring(5),
                        item.dueAt().plus(Duration.ofDays(1)), null);
            } else if (payload != null && payload.startsWith("child=")) {
                next = dueWork.schedule(item.siteId(), item.livemode(), item.kind(), item.key() + "/child",
                        item.dueAt().plus(amount(payload.substring(6))), null);
            } else if (payload != null && payload.startsWith("deadlock=")) {
                int times = Integer.parseInt(payload.substring(9));
                AtomicInteger runs = DEADLOCKS.computeIfAbsent(item.key(), k -> new AtomicInteger());
                next = Mono.defer(() -> runs.incrementAndGet() > times ? Mono.empty()
                        : db.sql("DO $$ BEGIN RAISE EXCEPTION 'deadlock detected (sample)' USING ERRCODE = '40P01'; "
                                + "END $$").then());
            } else if ("gate".equals(payload)) {
                next = dueWork.schedule(item.siteId(), item.livemode(), item.kind(), item.key(),
                        item.dueAt().plus(Duration.ofDays(1)), payload)
                        .then(Mono.fromRunnable(() -> GATE_ENTERED.complete(null)))
                        .then(Mono.defer(() -> Mono.fromFuture(GATE)));
            }
            return log(db, item, siteNow).then(next);
        }

        private static TemporalAmount amount(String text) {
            return text.startsWith("PT") ? Duration.parse(text) : Period.parse(text);
        }
    }

    /**
     * {@code sample.flaky}: logs the run, then fails as many times as {@link #failNext} said for its key (always
     * for a key set to {@link Integer#MAX_VALUE}); the log row then never commits.
     */
    @Component
    public static class FlakyHandler implements DueWorkHandler {
        private final DatabaseClient db;
        private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

        FlakyHandler(DatabaseClient db) {
            this.db = db;
        }

        public void failNext(String key, int times) {
            failures.put(key, new AtomicInteger(times));
        }

        @Override
        public String kind() {
            return "sample.flaky";
        }

        @Override
        public Mono<Void> handle(DueItem item, Instant siteNow) {
            return log(db, item, siteNow).then(Mono.defer(() -> {
                AtomicInteger left = failures.get(item.key());
                if (left != null && left.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0) {
                    return Mono.error(new IllegalStateException("boom: " + item.key()));
                }
                return Mono.empty();
            }));
        }
    }

    /**
     * {@code sample.chunk}: takes chunks. Logs every item of a chunk in one statement and records the chunk's size
     * ({@link #CHUNKS}). Payload {@code every=<ISO duration>} schedules the item again that much after its due time
     * (all of the chunk's in one {@link DueWork#scheduleAll}); {@code poison} fails every chunk that holds it (after
     * the log rows are written, so a chunk that committed anything would show them); {@code deadlock=<n>} fails the
     * first n chunks that hold it with a real SQLSTATE 40P01; {@code gate} waits until {@link #GATE} completes,
     * telling {@link #GATE_ENTERED}.
     */
    @Component
    public static class ChunkHandler implements DueWorkChunkHandler {
        public static final java.util.List<Integer> CHUNKS = new java.util.concurrent.CopyOnWriteArrayList<>();
        public static volatile CompletableFuture<Void> GATE = new CompletableFuture<>();
        public static volatile CompletableFuture<Void> GATE_ENTERED = new CompletableFuture<>();
        /** How many runs reached the gate ("gate" payload). */
        public static final AtomicInteger AT_GATE = new AtomicInteger();
        private static final Map<String, AtomicInteger> DEADLOCKS = new ConcurrentHashMap<>();
        private final DatabaseClient db;
        private final DueWork dueWork;

        ChunkHandler(DatabaseClient db, DueWork dueWork) {
            this.db = db;
            this.dueWork = dueWork;
        }

        @Override
        public String kind() {
            return "sample.chunk";
        }

        @Override
        public Mono<Void> handleAll(java.util.List<DueItem> items, Instant siteNow) {
            CHUNKS.add(items.size());
            io.masthead.platform.r2dbc.JsonRows rows = new io.masthead.platform.r2dbc.JsonRows();
            java.util.List<DueWork.Next> next = new java.util.ArrayList<>();
            Mono<Void> after = Mono.empty();
            for (DueItem item : items) {
                rows.add().put("kind", item.kind()).put("key", item.key()).put("site_id", item.siteId())
                        .put("due_at", item.dueAt().toString()).put("attempts", item.attempts());
                String payload = item.payload() == null ? "" : item.payload();
                if (payload.startsWith("every=")) {
                    next.add(new DueWork.Next(item.siteId(), item.livemode(), item.kind(), item.key(),
                            item.dueAt().plus(Duration.parse(payload.substring(6))), payload));
                } else if (payload.equals("poison")) {
                    after = after.then(Mono.error(new IllegalStateException("poison: " + item.key())));
                } else if (payload.startsWith("deadlock=")) {
                    int times = Integer.parseInt(payload.substring(9));
                    AtomicInteger runs = DEADLOCKS.computeIfAbsent(item.key(), k -> new AtomicInteger());
                    after = after.then(Mono.defer(() -> runs.incrementAndGet() > times ? Mono.empty()
                            : db.sql("DO $$ BEGIN RAISE EXCEPTION 'deadlock detected (sample)' USING ERRCODE = "
                                    + "'40P01'; END $$").then()));
                } else if (payload.equals("locked-gate")) {
                    // locks the item's key for the transaction (as a chunk handler locks its aggregates), then gate
                    after = after.then(db.sql("SELECT pg_advisory_xact_lock(hashtext(:key))").bind("key", item.key())
                                    .then())
                            .then(Mono.fromRunnable(() -> GATE_ENTERED.complete(null)))
                            .then(Mono.defer(() -> Mono.fromFuture(GATE, true)));
                } else if (payload.equals("gate")) {
                    // a cancelled run must not cancel the gate itself (the next run waits on it too)
                    after = after.then(Mono.fromRunnable(() -> {
                                AT_GATE.incrementAndGet();
                                GATE_ENTERED.complete(null);
                            }))
                            .then(Mono.defer(() -> Mono.fromFuture(GATE, true)));
                }
            }
            return db.sql("""
                            INSERT INTO due_log (kind, key, site_id, due_at, site_now, attempts)
                            SELECT r.kind, r.key, r.site_id, r.due_at, :siteNow, r.attempts
                              FROM jsonb_to_recordset(CAST(:rows AS jsonb))
                                   AS r(kind text, key text, site_id text, due_at timestamptz, attempts integer)""")
                    .bind("rows", rows.parameter()).bind("siteNow", Rows.timestamp(siteNow))
                    .then()
                    .then(dueWork.scheduleAll(next))
                    .then(after);
        }
    }
}
