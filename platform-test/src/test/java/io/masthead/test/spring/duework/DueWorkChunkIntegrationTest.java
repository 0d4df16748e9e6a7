package io.masthead.test.spring.duework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.platform.duework.DueWork;
import io.masthead.platform.duework.DueWork.ScheduledItem;
import io.masthead.platform.duework.DueWorkRunner;
import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.time.MutableClock;
import io.masthead.platform.time.SiteClocks;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.duework.DueWorkSampleApplication.ChunkHandler;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.ContextConfiguration;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/**
 * Due work in chunks ({@code DueWorkChunkHandler}): the sample's {@code sample.chunk} handler gets many items in one
 * transaction. Same service and settings as {@link DueWorkIntegrationTest} (chunks of the default 250 items, 2 at
 * once; at most 3 tries).
 */
@MastheadIntegrationTest(database = "due_work_sample", properties = {
        "masthead.due-work.enabled=false",
        "masthead.due-work.max-attempts=3",
        "masthead.due-work.retry-backoff=10s",
        "masthead.due-work.max-retry-backoff=1m"})
@ContextConfiguration(classes = DueWorkSampleApplication.class)
class DueWorkChunkIntegrationTest {

    private static final String CHUNK = "sample.chunk";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    DatabaseClient db;
    @Autowired
    MutableClock clock;
    @Autowired
    DueWork dueWork;
    @Autowired
    DueWorkRunner runner;
    @Autowired
    SiteClocks siteClocks;
    @Autowired
    MeterRegistry meters;
    @Autowired
    io.masthead.platform.outbox.Outbox outbox;
    @Autowired
    org.springframework.transaction.reactive.TransactionalOperator transaction;

    private Instant t0;

    @BeforeEach
    void cleanSlate() {
        db.sql("DELETE FROM due_work").then()
                .then(db.sql("DELETE FROM due_log").then())
                .then(db.sql("DELETE FROM site_clocks").then())
                .block(WAIT);
        ChunkHandler.CHUNKS.clear();
        t0 = clock.instant();
    }

    @Test
    void aChunkRunsItsItemsInOneTransactionAndCompletesThemTogether() {
        for (int i = 1; i <= 5; i++) {
            dueWork.schedule("site_live", true, CHUNK, "c" + i, t0.minusSeconds(i), null).block(WAIT);
        }
        dueWork.schedule("site_live", true, CHUNK, "every", t0.minusSeconds(10), "every=PT1H").block(WAIT);
        double before = processed("succeeded");

        StepVerifier.create(runner.runOnce()).expectNext(6).verifyComplete();

        assertThat(ChunkHandler.CHUNKS).containsExactly(6);
        assertThat(log("site_live")).extracting(r -> r.get("key"))
                .containsExactlyInAnyOrder("c1", "c2", "c3", "c4", "c5", "every");
        assertThat(log("site_live")).allSatisfy(r -> assertThat(instant(r, "site_now")).isEqualTo(t0));
        // completed, except the one the handler moved to its next time (tries reset, unleased)
        ScheduledItem next = dueWork.find(CHUNK, "every").block(WAIT);
        assertThat(next.item().dueAt()).isEqualTo(t0.minusSeconds(10).plus(Duration.ofHours(1)));
        assertThat(next.item().attempts()).isZero();
        assertThat(count("SELECT count(*) AS n FROM due_work")).isEqualTo(1);
        assertThat(count("SELECT count(*) AS n FROM due_work WHERE lease_token IS NOT NULL")).isZero();
        assertThat(processed("succeeded") - before).isEqualTo(6);
    }

    @Test
    void aChunkThatLosesAConflictLeavesNothingAndRunsAgainShortlyWithoutCountingATry() {
        dueWork.schedule("site_live", true, CHUNK, "a", t0, null).block(WAIT);
        dueWork.schedule("site_live", true, CHUNK, "b", t0, "deadlock=1").block(WAIT);
        dueWork.schedule("site_live", true, CHUNK, "c", t0, "every=PT1H").block(WAIT);
        double before = processed("conflicted");

        StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete();

        // the chunk's writes rolled back together: no log row, no item done or moved, no try counted
        assertThat(log("site_live")).isEmpty();
        assertThat(items()).extracting(i -> i.item().key() + ":" + i.item().attempts() + ":" + i.item().dueAt())
                .containsExactlyInAnyOrder("a:0:" + t0, "b:0:" + t0, "c:0:" + t0);
        assertThat(items()).allSatisfy(i -> assertThat(i.lastError()).contains("40P01"));
        assertThat(processed("conflicted") - before).isEqualTo(3);

        StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete(); // waits its short retry
        clock.advance(Duration.ofSeconds(1));
        StepVerifier.create(runner.runOnce()).expectNext(3).verifyComplete();
        assertThat(log("site_live")).extracting(r -> r.get("key")).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(ChunkHandler.CHUNKS).containsExactly(3, 3);
    }

    @Test
    void aPoisonItemIsIsolatedRetriedAndParkedAloneWhileTheRestOfItsChunkCompletes() {
        for (String key : List.of("k1", "k2", "k3")) {
            dueWork.schedule("site_live", true, CHUNK, key, t0, null).block(WAIT);
        }
        dueWork.schedule("site_live", true, CHUNK, "poisoned", t0, "poison").block(WAIT);

        // the chunk fails; its items run again one by one: three complete, the poison counts its first try
        StepVerifier.create(runner.runOnce()).expectNext(3).verifyComplete();
        assertThat(ChunkHandler.CHUNKS).containsExactly(4, 1, 1, 1, 1);
        assertThat(log("site_live")).extracting(r -> r.get("key")).containsExactlyInAnyOrder("k1", "k2", "k3");
        ScheduledItem poisoned = dueWork.find(CHUNK, "poisoned").block(WAIT);
        assertThat(poisoned.item().attempts()).isEqualTo(1);
        assertThat(poisoned.parked()).isFalse();
        assertThat(poisoned.lastError()).contains("poison: poisoned");

        // alone from now on: a chunk of one, with the usual backoff, parked after max-attempts (3)
        clock.advance(Duration.ofSeconds(10));
        StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete();
        assertThat(dueWork.find(CHUNK, "poisoned").block(WAIT).item().attempts()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(20));
        double parkedBefore = processed("parked");
        StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete();
        ScheduledItem parked = dueWork.find(CHUNK, "poisoned").block(WAIT);
        assertThat(parked.parked()).isTrue();
        assertThat(parked.item().attempts()).isEqualTo(3);
        assertThat(processed("parked") - parkedBefore).isEqualTo(1);
        assertThat(log("site_live")).hasSize(3); // each of the others ran once
        assertThat(meters.get("masthead.due_work.chunks_split").tag("kind", CHUNK).counter().count()).isPositive();
    }

    @Test
    void aChunkWhoseRunnerDiedRunsAgainOnceItsLeaseEnded() {
        for (String key : List.of("x1", "x2", "x3")) {
            dueWork.schedule("site_unclocked", false, CHUNK, key, t0, null).block(WAIT);
        }
        // what a runner that claimed the chunk and died leaves: its lease (its transaction rolled back)
        db.sql("UPDATE due_work SET lease_token = gen_random_uuid(), lease_until = :until")
                .bind("until", Rows.timestamp(t0.plusSeconds(60))).then().block(WAIT);

        StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete();
        clock.advance(Duration.ofSeconds(59));
        StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete();
        clock.advance(Duration.ofSeconds(1));
        StepVerifier.create(runner.runOnce()).expectNext(3).verifyComplete();
        assertThat(ChunkHandler.CHUNKS).containsExactly(3);
        assertThat(log("site_unclocked")).hasSize(3);
        assertThat(count("SELECT count(*) AS n FROM due_work")).isZero();
    }

    @Test
    void aChunkWhoseLeaseEndedWhileItRanCommitsNothingWhenAnotherRunnerTookItsItems() throws Exception {
        ChunkHandler.GATE = new CompletableFuture<>();
        ChunkHandler.GATE_ENTERED = new CompletableFuture<>();
        // "locked-gate": the handler locks its key (as a chunk handler locks its aggregates), then waits at the gate
        dueWork.schedule("site_live", true, CHUNK, "r1", t0, "locked-gate").block(WAIT);
        dueWork.schedule("site_live", true, CHUNK, "r2", t0, null).block(WAIT);
        dueWork.schedule("site_live", true, CHUNK, "r3", t0, null).block(WAIT);
        double splitBefore = splits();

        CompletableFuture<Integer> first = runner.runOnce().toFuture();
        ChunkHandler.GATE_ENTERED.get(30, TimeUnit.SECONDS);
        // the first run holds its items past their lease (60 s from its renewal); a second runner claims them
        clock.advance(Duration.ofSeconds(61));
        CompletableFuture<Integer> second = runner.runOnce().toFuture();
        Instant secondLease = t0.plusSeconds(61 + 60);
        await().atMost(WAIT).until(() -> count("SELECT count(*) AS n FROM due_work WHERE lease_until = '"
                + secondLease + "'") == 3);
        ChunkHandler.GATE.complete(null);

        // exactly one commits: the second (the first finds the items under another claim and rolls back)
        assertThat(first.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(log("site_live")).extracting(r -> r.get("key")).containsExactlyInAnyOrder("r1", "r2", "r3");
        assertThat(count("SELECT count(*) AS n FROM due_work")).isZero();
        assertThat(splits()).isEqualTo(splitBefore);
    }

    @Test
    void itemsOfManySitesWithOneItemEachRunAsManyAtOnceAsOneItemRunsNotAsChunks() throws Exception {
        ChunkHandler.GATE = new CompletableFuture<>();
        ChunkHandler.AT_GATE.set(0);
        // more sites of one item each than chunks run at once (2): all of them start together (concurrency 8)
        for (int i = 1; i <= 5; i++) {
            dueWork.schedule("site_one" + i, true, CHUNK, "one" + i, t0, "gate").block(WAIT);
        }

        CompletableFuture<Integer> round = runner.runOnce().toFuture();
        await().atMost(WAIT).until(() -> ChunkHandler.AT_GATE.get() == 5);
        ChunkHandler.GATE.complete(null);

        assertThat(round.get(30, TimeUnit.SECONDS)).isEqualTo(5);
        assertThat(ChunkHandler.CHUNKS).containsExactly(1, 1, 1, 1, 1);
        assertThat(count("SELECT count(*) AS n FROM due_work")).isZero();
    }

    @Test
    void aDrainRunsFullChunksInDueOrderCountsActivityPerChunkAndAZeroBudgetClaimsNothing() {
        String site = "site_chunks";
        Instant first = t0.plus(Duration.ofDays(1));
        Instant second = t0.plus(Duration.ofDays(2));
        List<DueWork.Next> items = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            items.add(new DueWork.Next(site, false, CHUNK, "n" + i, first, null));
        }
        items.add(new DueWork.Next(site, false, CHUNK, "later1", second, null));
        items.add(new DueWork.Next(site, false, CHUNK, "later2", second, null));
        dueWork.scheduleAll(items).block(WAIT);
        siteClocks.freeze(site, second).block(WAIT);

        StepVerifier.create(runner.drain(site, second, Duration.ZERO))
                .expectNext(new DueWorkRunner.Drained(0, true)).verifyComplete();
        assertThat(count("SELECT count(*) AS n FROM due_work WHERE lease_token IS NULL")).isEqualTo(602);

        StepVerifier.create(runner.drain(site, second, Duration.ofMinutes(1)))
                .expectNext(new DueWorkRunner.Drained(602, false)).verifyComplete();
        // a claim takes 500 (2 chunks of 250) of the first instant, the next the 100 left, then the second instant
        // (two items: chunks of one)
        assertThat(ChunkHandler.CHUNKS).containsExactlyInAnyOrder(250, 250, 100, 1, 1);
        List<Map<String, Object>> log = log(site);
        assertThat(log).hasSize(602);
        assertThat(log.subList(600, 602)).extracting(r -> r.get("key")).containsExactlyInAnyOrder("later1", "later2");
        assertThat(log).allSatisfy(r -> assertThat(instant(r, "site_now")).isEqualTo(second));
        StepVerifier.create(siteClocks.activity(site)).expectNext(602L).verifyComplete();
        StepVerifier.create(runner.pending(site, second)).expectNext(0L).verifyComplete();
    }

    @Test
    void aCancelledDrainGivesBackTheLeasesOfWhatItClaimedAndRolledBack() throws Exception {
        String site = "site_cancelled";
        ChunkHandler.GATE = new CompletableFuture<>();
        ChunkHandler.GATE_ENTERED = new CompletableFuture<>();
        Instant due = t0.plus(Duration.ofHours(1));
        dueWork.schedule(site, false, CHUNK, "g1", due, "gate").block(WAIT);
        dueWork.schedule(site, false, CHUNK, "g2", due, null).block(WAIT);
        dueWork.schedule(site, false, CHUNK, "g3", due, null).block(WAIT);
        siteClocks.freeze(site, due).block(WAIT);

        Disposable drain = runner.drain(site, due, null).subscribe();
        ChunkHandler.GATE_ENTERED.get(30, TimeUnit.SECONDS);
        assertThat(count("SELECT count(*) AS n FROM due_work WHERE lease_token IS NOT NULL")).isEqualTo(3);
        drain.dispose(); // the caller gave up (a step call cut by its timeout)

        await().atMost(WAIT).until(() -> count("SELECT count(*) AS n FROM due_work WHERE lease_token IS NULL") == 3);
        assertThat(log(site)).isEmpty(); // the chunk in flight rolled back
        ChunkHandler.GATE.complete(null);
        // claimable at once, not after the lease
        StepVerifier.create(runner.drain(site, due)).expectNext(3).verifyComplete();
        assertThat(log(site)).extracting(r -> r.get("key")).containsExactlyInAnyOrder("g1", "g2", "g3");
    }

    @Test
    void appendAllWritesEveryEventInOneStatementInTheOrderGivenAsAppendWould() {
        List<io.masthead.platform.outbox.OutboxMessage> events = List.of(DueWorkIntegrationTest.event("site_many"),
                DueWorkIntegrationTest.event("site_many"), DueWorkIntegrationTest.event("site_many", true));
        transaction.transactional(outbox.appendAll(events)).block(WAIT);
        transaction.transactional(outbox.append(DueWorkIntegrationTest.event("site_solo"))).block(WAIT);

        List<Map<String, Object>> rows = db.sql("""
                        SELECT o.event_id, o.message_key, o.site_id, o.payload,
                               s.schema_text IS NOT NULL AS schema_stored
                          FROM outbox o LEFT JOIN outbox_schemas s ON s.fingerprint = o.schema_fingerprint
                         WHERE o.message_key IN ('site_many', 'site_solo') ORDER BY o.id""")
                .fetch().all().collectList().block(WAIT);
        assertThat(rows).extracting(r -> r.get("event_id")).containsExactly(events.get(0).eventId(),
                events.get(1).eventId(), events.get(2).eventId(), rows.get(3).get("event_id"));
        // the test-mode events keep their site, the live one none; the bytes are the event's Avro binary
        assertThat(rows).extracting(r -> r.get("site_id")).containsExactly("site_many", "site_many", null, "site_solo");
        assertThat(rows).allSatisfy(r -> assertThat(r.get("schema_stored")).isEqualTo(true));
        assertThat(((java.nio.ByteBuffer) rows.get(0).get("payload")).remaining())
                .isEqualTo(((java.nio.ByteBuffer) rows.get(3).get("payload")).remaining());
        db.sql("DELETE FROM outbox WHERE message_key IN ('site_many', 'site_solo')").then().block(WAIT);
    }

    // --- helpers

    private List<ScheduledItem> items() {
        return db.sql("SELECT key FROM due_work ORDER BY key").map(r -> r.get("key", String.class)).all()
                .concatMap(key -> dueWork.find(CHUNK, key)).collectList().block(WAIT);
    }

    private List<Map<String, Object>> log(String site) {
        return db.sql("SELECT * FROM due_log WHERE site_id = :site ORDER BY id").bind("site", site)
                .fetch().all().collectList().block(WAIT);
    }

    private long count(String sql) {
        return db.sql(sql).map(r -> r.get("n", Long.class)).one().block(WAIT);
    }

    private double processed(String outcome) {
        var counter = meters.find("masthead.due_work.processed").tag("kind", CHUNK).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private double splits() {
        var counter = meters.find("masthead.due_work.chunks_split").tag("kind", CHUNK).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Instant instant(Map<String, Object> row, String column) {
        return ((java.time.OffsetDateTime) row.get(column)).toInstant();
    }

}
