package io.masthead.test.spring.duework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.events.EventHeader;
import io.masthead.events.customer.Organization;
import io.masthead.events.customer.OrganizationCreated;
import io.masthead.platform.duework.DueItem;
import io.masthead.platform.duework.DueWork;
import io.masthead.platform.duework.DueWork.ScheduledItem;
import io.masthead.platform.duework.DueWorkHandler;
import io.masthead.platform.duework.DueWorkProperties;
import io.masthead.platform.duework.DueWorkRunner;
import io.masthead.platform.inbox.Inbox;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.outbox.OutboxMessage;
import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.MutableClock;
import io.masthead.platform.time.SiteClocks;
import io.masthead.platform.time.SiteTime;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.duework.DueWorkSampleApplication.FlakyHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Due work and site time on a service built on the platform, against real PostgreSQL. The background loop is off
 * ({@code masthead.due-work.enabled=false}): each test runs rounds itself ({@link DueWorkRunner#runOnce()},
 * {@link DueWorkRunner#drain}) and moves the wall clock ({@link MutableClock}) instead of waiting.
 */
@MastheadIntegrationTest(database = "due_work_sample", properties = {
        "masthead.due-work.enabled=false",
        "masthead.due-work.max-attempts=3",
        "masthead.due-work.retry-backoff=10s",
        "masthead.due-work.max-retry-backoff=1m"})
@ContextConfiguration(classes = DueWorkSampleApplication.class)
class DueWorkIntegrationTest {

    private static final String RECORD = "sample.record";
    private static final String FLAKY = "sample.flaky";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    DatabaseClient db;
    @Autowired
    ConnectionFactory connectionFactory;
    @Autowired
    MutableClock clock;
    @Autowired
    DueWork dueWork;
    @Autowired
    DueWorkRunner runner;
    @Autowired
    SiteTime siteTime;
    @Autowired
    SiteClocks siteClocks;
    @Autowired
    FlakyHandler flaky;
    @Autowired
    Inbox inbox;
    @Autowired
    Outbox outbox;
    @Autowired
    TransactionalOperator transaction;
    @Autowired
    MeterRegistry meters;
    @Autowired
    List<DueWorkHandler> handlers;

    private Instant t0;

    @BeforeEach
    void cleanSlate() {
        db.sql("DELETE FROM due_work").then()
                .then(db.sql("DELETE FROM due_log").then())
                .then(db.sql("DELETE FROM site_clocks").then())
                .then(db.sql("DELETE FROM outbox").then())
                .block(WAIT);
        t0 = clock.instant();
    }

    // --- schedule, move, cancel

    @Test
    void scheduleInsertsOneItemPerKindAndKeyAndMovesItResettingItsTries() {
        Instant due = t0.plus(Duration.ofDays(3));
        dueWork.schedule("site_a", true, RECORD, "sub_1", due.plusNanos(123_456), "{\"n\":1}").block(WAIT);

        ScheduledItem item = dueWork.find(RECORD, "sub_1").block(WAIT);
        assertThat(item.item().siteId()).isEqualTo("site_a");
        assertThat(item.item().livemode()).isTrue();
        assertThat(item.item().dueAt()).isEqualTo(due); // milliseconds, like every timestamp
        assertThat(item.item().payload()).isEqualTo("{\"n\":1}");
        assertThat(item.item().attempts()).isZero();
        assertThat(item.parked()).isFalse();

        // an item that failed twice and is claimed right now ...
        db.sql("UPDATE due_work SET attempts = 2, last_error = 'x', lease_token = gen_random_uuid(), "
                + "lease_until = :until, retry_at = :until WHERE key = 'sub_1'")
                .bind("until", Rows.timestamp(t0.plusSeconds(60))).then().block(WAIT);
        // ... is moved by scheduling it again: new time and payload, tries and lease reset
        Instant later = due.plus(Duration.ofDays(30));
        dueWork.schedule("site_a", true, RECORD, "sub_1", later, null).block(WAIT);

        assertThat(count("SELECT count(*) AS n FROM due_work WHERE kind = 'sample.record' AND key = 'sub_1'"))
                .isEqualTo(1);
        Map<String, Object> row = db.sql("SELECT * FROM due_work WHERE key = 'sub_1'").fetch().one().block(WAIT);
        assertThat(((java.time.OffsetDateTime) row.get("due_at")).toInstant()).isEqualTo(later);
        assertThat(row.get("payload")).isNull();
        assertThat(row.get("attempts")).isEqualTo(0);
        assertThat(row.get("lease_token")).isNull();
        assertThat(row.get("lease_until")).isNull();
        assertThat(row.get("retry_at")).isNull();
        assertThat(row.get("last_error")).isNull();

        // another kind with the same key is another item
        dueWork.schedule("site_a", true, FLAKY, "sub_1", later, null).block(WAIT);
        assertThat(count("SELECT count(*) AS n FROM due_work WHERE key = 'sub_1'")).isEqualTo(2);

        StepVerifier.create(dueWork.cancel(RECORD, "sub_1")).expectNext(true).verifyComplete();
        StepVerifier.create(dueWork.cancel(RECORD, "sub_1")).expectNext(false).verifyComplete();
        StepVerifier.create(dueWork.find(RECORD, "sub_1")).verifyComplete();
        assertThat(dueWork.find(FLAKY, "sub_1").block(WAIT)).isNotNull();
    }

    @Test
    void scheduleJoinsTheCallersTransaction() {
        Mono<Void> failing = dueWork.schedule("site_a", true, RECORD, "tx_1", t0, null)
                .then(Mono.error(new IllegalStateException("the change failed")));
        StepVerifier.create(transaction.transactional(failing)).expectError(IllegalStateException.class).verify(WAIT);
        StepVerifier.create(dueWork.find(RECORD, "tx_1")).verifyComplete();

        transaction.transactional(dueWork.schedule("site_a", true, RECORD, "tx_1", t0, null)).block(WAIT);
        assertThat(dueWork.find(RECORD, "tx_1").block(WAIT)).isNotNull();
    }

    // --- the runner

    @Test
    void runsDueItemsInDueOrderWithTheSiteTimeAndLeavesLaterOnes() {
        DueWorkRunner oneAtATime = runner(withConcurrency(1, 100));
        double succeededBefore = processed(RECORD, "succeeded");
        dueWork.schedule("site_live", true, RECORD, "k2", t0.minusSeconds(60), null).block(WAIT);
        dueWork.schedule("site_live", true, RECORD, "k1", t0.minusSeconds(180), null).block(WAIT);
        dueWork.schedule("site_live", true, RECORD, "k3", t0, null).block(WAIT);
        dueWork.schedule("site_live", true, RECORD, "k4", t0.plusMillis(1), null).block(WAIT);

        StepVerifier.create(oneAtATime.runOnce()).expectNext(3).verifyComplete();

        assertThat(log("site_live")).extracting(r -> r.get("key")).containsExactly("k1", "k2", "k3");
        assertThat(log("site_live")).allSatisfy(r -> assertThat(instant(r, "site_now")).isEqualTo(t0));
        assertThat(keysPending()).containsExactly("k4");

        clock.advance(Duration.ofMillis(1));
        StepVerifier.create(oneAtATime.runOnce()).expectNext(1).verifyComplete();
        assertThat(log("site_live")).extracting(r -> r.get("key")).containsExactly("k1", "k2", "k3", "k4");
        assertThat(keysPending()).isEmpty();
        assertThat(processed(RECORD, "succeeded") - succeededBefore).isEqualTo(4);
    }

    @Test
    void aHandlerMayScheduleItsOwnKindAndKeyAgain() {
        dueWork.schedule("site_live", true, RECORD, "every", t0.minusSeconds(1), "every=PT1H").block(WAIT);
        StepVerifier.create(runner.runOnce()).expectNext(1).verifyComplete();

        ScheduledItem next = dueWork.find(RECORD, "every").block(WAIT);
        assertThat(next.item().dueAt()).isEqualTo(t0.minusSeconds(1).plus(Duration.ofHours(1)));
        assertThat(next.item().attempts()).isZero();
        assertThat(log("site_live")).hasSize(1);
    }

    @Test
    void aFailingHandlerLeavesNothingAndIsRetriedWithBackoffThenParkedWithItsError() {
        flaky.failNext("f1", Integer.MAX_VALUE);
        dueWork.schedule("site_live", true, FLAKY, "f1", t0, null).block(WAIT);

        // try 1 fails: its log row rolled back with it, the item stays with the error
        StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete();
        assertThat(log("site_live")).isEmpty();
        ScheduledItem item = dueWork.find(FLAKY, "f1").block(WAIT);
        assertThat(item.item().attempts()).isEqualTo(1);
        assertThat(item.parked()).isFalse();
        assertThat(item.lastError()).contains("IllegalStateException").contains("boom: f1");

        // backoff: 10 s after the first failure, then 20 s
        runner.runOnce().block(WAIT);
        assertThat(dueWork.find(FLAKY, "f1").block(WAIT).item().attempts()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(9));
        runner.runOnce().block(WAIT);
        assertThat(dueWork.find(FLAKY, "f1").block(WAIT).item().attempts()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        runner.runOnce().block(WAIT);
        assertThat(dueWork.find(FLAKY, "f1").block(WAIT).item().attempts()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(19));
        runner.runOnce().block(WAIT);
        assertThat(dueWork.find(FLAKY, "f1").block(WAIT).item().attempts()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(1));
        double parkedBefore = processed(FLAKY, "parked");
        runner.runOnce().block(WAIT);

        // try 3 of 3: parked, kept with its error, never tried again
        ScheduledItem parked = dueWork.find(FLAKY, "f1").block(WAIT);
        assertThat(parked.parked()).isTrue();
        assertThat(parked.item().attempts()).isEqualTo(3);
        assertThat(parked.lastError()).contains("boom: f1");
        assertThat(processed(FLAKY, "parked")).isEqualTo(parkedBefore + 1);
        clock.advance(Duration.ofHours(2));
        runner.runOnce().block(WAIT);
        assertThat(dueWork.find(FLAKY, "f1").block(WAIT).item().attempts()).isEqualTo(3);
        assertThat(log("site_live")).isEmpty();
        assertThat(count("SELECT count(*) AS n FROM due_work WHERE state = 'pending'")).isZero(); // parked, not pending
        runner.refreshStats().block(WAIT);
        assertThat(meters.get("masthead.due_work.failed").gauge().value()).isEqualTo(1.0);

        // rescheduled once the cause is fixed: pending again, with fresh tries, and it runs once
        flaky.failNext("f1", 0);
        dueWork.schedule("site_live", true, FLAKY, "f1", clock.instant(), null).block(WAIT);
        StepVerifier.create(runner.runOnce()).expectNext(1).verifyComplete();
        assertThat(log("site_live")).hasSize(1);
        StepVerifier.create(dueWork.find(FLAKY, "f1")).verifyComplete();
    }

    @Test
    void aTransientFailureIsRetriedAndThenCompletesOnce() {
        flaky.failNext("f2", 1);
        dueWork.schedule("site_live", true, FLAKY, "f2", t0, null).block(WAIT);
        StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete();
        clock.advance(Duration.ofSeconds(10));
        StepVerifier.create(runner.runOnce()).expectNext(1).verifyComplete();
        assertThat(log("site_live")).singleElement().satisfies(r -> assertThat(r.get("attempts")).isEqualTo(1));
        StepVerifier.create(dueWork.find(FLAKY, "f2")).verifyComplete();
    }

    @Test
    void anItemOfAKindWithoutHandlerIsParkedWithAClearError() {
        dueWork.schedule("site_live", true, "sample.unknown", "u1", t0, null).block(WAIT);
        StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete();
        ScheduledItem item = dueWork.find("sample.unknown", "u1").block(WAIT);
        assertThat(item.parked()).isTrue();
        assertThat(item.lastError()).contains("no due-work handler of kind 'sample.unknown'")
                .contains("sample.record");
    }

    @Test
    void aClaimWhoseRunnerDiedIsTakenAgainOnceItsLeaseEnded() {
        dueWork.schedule("site_unclocked", false, RECORD, "crash", t0, null).block(WAIT);
        // what a runner that claimed the item and died leaves behind: its lease (its transaction rolled back)
        db.sql("UPDATE due_work SET lease_token = gen_random_uuid(), lease_until = :until WHERE key = 'crash'")
                .bind("until", Rows.timestamp(t0.plusSeconds(60))).then().block(WAIT);

        StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete();
        StepVerifier.create(runner.pending("site_unclocked", t0)).expectNext(1L).verifyComplete(); // claimed = pending
        clock.advance(Duration.ofSeconds(59));
        StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete();
        clock.advance(Duration.ofSeconds(1));
        StepVerifier.create(runner.runOnce()).expectNext(1).verifyComplete();
        assertThat(log("site_unclocked")).singleElement().satisfies(r -> assertThat(r.get("key")).isEqualTo("crash"));
    }

    @Test
    void anItemMovedAfterItWasClaimedIsLeftByThatClaimAndRunsAtItsNewTime() {
        DueWorkRunner oneAtATime = runner(withConcurrency(1, 100));
        // a claim takes one wave (concurrency items, here 1): the first one's handler moves the second, so the next
        // wave of the round does not find it due
        dueWork.schedule("site_live", true, RECORD, "mover", t0.minusSeconds(2), "move=moved").block(WAIT);
        dueWork.schedule("site_live", true, RECORD, "moved", t0.minusSeconds(1), null).block(WAIT);

        StepVerifier.create(oneAtATime.runOnce()).expectNext(1).verifyComplete();
        assertThat(log("site_live")).extracting(r -> r.get("key")).containsExactly("mover");
        ScheduledItem moved = dueWork.find(RECORD, "moved").block(WAIT);
        assertThat(moved.item().dueAt()).isEqualTo(t0.minusSeconds(2).plus(Duration.ofDays(1)));

        clock.advance(Duration.ofDays(1));
        StepVerifier.create(oneAtATime.runOnce()).expectNext(1).verifyComplete();
        assertThat(log("site_live")).extracting(r -> r.get("key")).containsExactly("mover", "moved");
    }

    @Test
    void twoRunnersNeverRunTheSameItem() throws Exception {
        // a test site without a clock: its items run on the wall time, and pending() counts them
        int items = 400;
        Flux.range(0, items)
                .concatMap(i -> dueWork.schedule("site_many", false, RECORD, "c" + i,
                        t0.minusMillis(items - i), null))
                .then().block(WAIT);
        DueWorkRunner a = runner(withConcurrency(8, 25));
        DueWorkRunner b = runner(withConcurrency(8, 25));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> loops = new ArrayList<>();
            for (DueWorkRunner r : List.of(a, b, a, b)) {
                loops.add(() -> {
                    int ran = 0;
                    while (runner.pending("site_many", t0).block(WAIT) > 0) {
                        ran += r.runOnce().block(WAIT);
                    }
                    return ran;
                });
            }
            int total = 0;
            for (Future<Integer> loop : threads.invokeAll(loops)) {
                total += loop.get();
            }
            assertThat(total).isEqualTo(items);
        } finally {
            threads.shutdownNow();
        }
        assertThat(count("SELECT count(*) AS n FROM due_log WHERE site_id = 'site_many'")).isEqualTo(items);
        assertThat(count("SELECT count(DISTINCT key) AS n FROM due_log WHERE site_id = 'site_many'")).isEqualTo(items);
        assertThat(count("SELECT count(*) AS n FROM due_work")).isZero();
    }

    // --- site time

    @Test
    void siteTimeIsTheClockForLiveSitesAndTestSitesWithoutClockAndTheSimulatedTimeOtherwise() {
        StepVerifier.create(siteTime.now("site_live", true)).expectNext(t0).verifyComplete();
        StepVerifier.create(siteTime.now(Caller.admin("site_t", false))).expectNext(t0).verifyComplete();

        Instant simulated = t0.plus(Duration.ofDays(10));
        siteClocks.freeze("site_t", simulated).block(WAIT);
        clock.advance(Duration.ofMinutes(5));
        StepVerifier.create(siteTime.now(Caller.admin("site_t", false))).expectNext(simulated).verifyComplete();
        // a live site with the same id never reads the table
        StepVerifier.create(siteTime.now("site_t", true)).expectNext(clock.instant()).verifyComplete();

        // never backward: freezing or releasing earlier keeps the current time
        siteClocks.freeze("site_t", simulated.minus(Duration.ofDays(1))).block(WAIT);
        StepVerifier.create(siteTime.now("site_t", false)).expectNext(simulated).verifyComplete();

        Instant released = simulated.plus(Duration.ofDays(20));
        siteClocks.release("site_t", released).block(WAIT);
        StepVerifier.create(siteTime.now("site_t", false)).expectNext(released).verifyComplete();
        clock.advance(Duration.ofSeconds(90).plusMillis(7));
        Instant running = released.plus(Duration.ofSeconds(90).plusMillis(7));
        StepVerifier.create(siteTime.now("site_t", false)).expectNext(running).verifyComplete();

        // frozen again at an earlier time than the running clock shows: stays at the running time
        siteClocks.freeze("site_t", released).block(WAIT);
        clock.advance(Duration.ofHours(1));
        StepVerifier.create(siteTime.now("site_t", false)).expectNext(running).verifyComplete();

        // a test site without a clock that is frozen before the wall time starts at the wall time
        siteClocks.freeze("site_u", t0.minus(Duration.ofDays(1))).block(WAIT);
        StepVerifier.create(siteTime.now("site_u", false)).expectNext(clock.instant()).verifyComplete();
    }

    // --- drain, next due, pending

    @Test
    void drainRunsTheSitesWorkInDueOrderIncludingFollowOnWorkUpToTheStepAndNothingLater() {
        String site = "site_drain";
        Instant step = t0.plus(Duration.ofDays(30));
        // every 7 days from day 1: days 1, 8, 15, 22, 29 fall in the step, 36 after it
        dueWork.schedule(site, false, RECORD, "weekly", t0.plus(Duration.ofDays(1)), "every=P7D").block(WAIT);
        // day 10, with follow-on work 2 hours later (another key)
        dueWork.schedule(site, false, RECORD, "spawner", t0.plus(Duration.ofDays(10)), "child=PT2H").block(WAIT);
        dueWork.schedule(site, false, RECORD, "late", t0.plus(Duration.ofDays(40)), null).block(WAIT);
        dueWork.schedule("site_other", false, RECORD, "other", t0.plus(Duration.ofDays(2)), null).block(WAIT);

        StepVerifier.create(runner.nextDue(site)).expectNext(Optional.of(t0.plus(Duration.ofDays(1))))
                .verifyComplete();
        StepVerifier.create(runner.pending(site, step)).expectNext(2L).verifyComplete();

        siteClocks.freeze(site, step).block(WAIT);
        // the background loop leaves a frozen site to its test clock
        runner.runOnce().block(WAIT);
        assertThat(log(site)).isEmpty();

        StepVerifier.create(runner.drain(site, step)).expectNext(7).verifyComplete();

        assertThat(log(site)).extracting(r -> r.get("key") + "@" + Duration.between(t0, instant(r, "due_at")))
                .containsExactly("weekly@PT24H", "weekly@PT192H", "spawner@PT240H", "spawner/child@PT242H",
                        "weekly@PT360H", "weekly@PT528H", "weekly@PT696H");
        assertThat(log(site)).allSatisfy(r -> assertThat(instant(r, "site_now")).isEqualTo(step));
        StepVerifier.create(runner.nextDue(site)).expectNext(Optional.of(t0.plus(Duration.ofDays(36))))
                .verifyComplete();
        StepVerifier.create(runner.pending(site, step)).expectNext(0L).verifyComplete();
        StepVerifier.create(runner.pending(site, t0.plus(Duration.ofDays(40)))).expectNext(2L).verifyComplete();
        assertThat(log("site_other")).isEmpty();

        // nothing runs beyond the site's time, whatever upTo says
        StepVerifier.create(runner.drain(site, t0.plus(Duration.ofDays(100)))).expectNext(0).verifyComplete();
        StepVerifier.create(runner.nextDue("site_nothing")).expectNext(Optional.empty()).verifyComplete();
    }

    // --- activity

    @Test
    void activityGrowsWithDueWorkAndInboxEventsOfAClockedTestSiteOnly() {
        String clocked = "site_clocked";
        siteClocks.freeze(clocked, t0.plus(Duration.ofDays(1))).block(WAIT);
        StepVerifier.create(siteClocks.activity(clocked)).expectNext(0L).verifyComplete();
        StepVerifier.create(siteClocks.activity("site_unclocked")).expectNext(0L).verifyComplete();

        dueWork.schedule(clocked, false, RECORD, "a1", t0, null).block(WAIT);
        dueWork.schedule(clocked, false, RECORD, "a2", t0, null).block(WAIT); // with a1: one group of two
        dueWork.schedule(clocked, false, RECORD, "a4", t0.plusSeconds(1), null).block(WAIT);
        dueWork.schedule("site_unclocked", false, RECORD, "a3", t0, null).block(WAIT);
        StepVerifier.create(runner.drain(clocked, t0.plus(Duration.ofDays(1)))).expectNext(3).verifyComplete();
        StepVerifier.create(siteClocks.activity(clocked)).expectNext(3L).verifyComplete();
        runner.runOnce().block(WAIT);
        assertThat(log("site_unclocked")).hasSize(1);
        assertThat(count("SELECT count(*) AS n FROM site_clocks WHERE site_id = 'site_unclocked'")).isZero();

        // the inbox: an applied event of the clocked site counts, a duplicate or a live event does not
        UUID first = UUID.randomUUID();
        StepVerifier.create(inbox.process("sample", first, header(first, clocked, false), Mono.empty()))
                .expectNext(true).verifyComplete();
        StepVerifier.create(siteClocks.activity(clocked)).expectNext(4L).verifyComplete();
        StepVerifier.create(inbox.process("sample", first, header(first, clocked, false), Mono.empty()))
                .expectNext(false).verifyComplete();
        UUID live = UUID.randomUUID();
        inbox.process("sample", live, header(live, clocked, true), Mono.empty()).block(WAIT);
        StepVerifier.create(siteClocks.activity(clocked)).expectNext(4L).verifyComplete();

        // a consumed record: the event id from its Kafka header, the site from its value's header
        UUID consumed = UUID.randomUUID();
        ConsumerRecord<String, Object> record = new ConsumerRecord<>("t", 0, 0L, "k",
                event(clocked).payload());
        OrganizationCreated value = (OrganizationCreated) record.value();
        value.getHeader().setEventId(consumed.toString());
        record.headers().add("event_id", consumed.toString().getBytes(StandardCharsets.UTF_8));
        StepVerifier.create(inbox.process("sample", record, Mono.empty())).expectNext(true).verifyComplete();
        StepVerifier.create(siteClocks.activity(clocked)).expectNext(5L).verifyComplete();

        // a batch: once per site with fresh events
        Map<UUID, EventHeader> batch = new LinkedHashMap<>();
        for (String site : List.of(clocked, clocked, "site_unclocked")) {
            UUID id = UUID.randomUUID();
            batch.put(id, header(id, site, false));
        }
        batch.put(first, header(first, clocked, false)); // already applied
        StepVerifier.create(inbox.processAll("sample", batch, fresh -> Mono.just(fresh.size())))
                .expectNext(3).verifyComplete();
        StepVerifier.create(siteClocks.activity(clocked)).expectNext(6L).verifyComplete();

        // effects that fail roll the count back with them
        UUID failing = UUID.randomUUID();
        StepVerifier.create(inbox.process("sample", failing, header(failing, clocked, false),
                Mono.error(new IllegalStateException("no")))).expectError().verify(WAIT);
        StepVerifier.create(siteClocks.activity(clocked)).expectNext(6L).verifyComplete();
    }

    // --- outbox pending

    @Test
    void outboxPendingCountsTheSitesUnpublishedEvents() {
        transaction.transactional(Flux.just("site_o1", "site_o1", "site_o2")
                .concatMap(site -> outbox.append(event(site)))
                .then()).block(WAIT);
        StepVerifier.create(siteClocks.outboxPending("site_o1")).expectNext(2L).verifyComplete();
        StepVerifier.create(siteClocks.outboxPending("site_o2")).expectNext(1L).verifyComplete();
        StepVerifier.create(siteClocks.outboxPending("site_o3")).expectNext(0L).verifyComplete();
        // the relay deletes what Kafka acknowledged (see DueWorkLoopIntegrationTest for the relay itself)
        db.sql("DELETE FROM outbox WHERE id = (SELECT min(id) FROM outbox WHERE site_id = 'site_o1')").then()
                .block(WAIT);
        StepVerifier.create(siteClocks.outboxPending("site_o1")).expectNext(1L).verifyComplete();
    }


    // --- bounded claims, drain order, live items, conflicts, cancel

    @Test
    void theClaimReadsAboutAsManyRowsAsItTakesWhateverLiesInTheFutureOrWaitsForARetry() {
        // 100,000 live items due in the coming year, 20,000 due ones waiting out a retry, a test site whose clock
        // was released a year ahead (3 items due in its time, 1,000 after), a frozen test site with 1,000 items due in its time (a test clock's drain runs them)
        db.sql("""
                        INSERT INTO due_work (site_id, livemode, kind, key, due_at)
                        SELECT 'site_live', true, 'sample.record', 'future' || g, :t0 + g * interval '5 minutes'
                          FROM generate_series(1, 100000) g""")
                .bind("t0", Rows.timestamp(t0)).then().block(WAIT);
        db.sql("""
                        INSERT INTO due_work (site_id, livemode, kind, key, due_at, retry_at, attempts)
                        SELECT 'site_live', true, 'sample.record', 'waiting' || g, :t0 - g * interval '1 second',
                               :t0 + interval '1 hour', 1
                          FROM generate_series(1, 20000) g""")
                .bind("t0", Rows.timestamp(t0)).then().block(WAIT);
        siteClocks.release("site_year", t0.plus(Duration.ofDays(365))).block(WAIT);
        db.sql("""
                        INSERT INTO due_work (site_id, livemode, kind, key, due_at)
                        SELECT 'site_year', false, 'sample.record', 'year' || g, :t0 + g * interval '1 day'
                          FROM generate_series(1, 1003) g""")
                .bind("t0", Rows.timestamp(t0.plus(Duration.ofDays(361)).plus(Duration.ofHours(12)))).then()
                .block(WAIT);
        siteClocks.freeze("site_frozen", t0.plus(Duration.ofDays(30))).block(WAIT);
        db.sql("""
                        INSERT INTO due_work (site_id, livemode, kind, key, due_at)
                        SELECT 'site_frozen', false, 'sample.record', 'frozen' || g, :t0 + g * interval '1 minute'
                          FROM generate_series(1, 1000) g""")
                .bind("t0", Rows.timestamp(t0)).then().block(WAIT);
        for (int i = 0; i < 5; i++) {
            dueWork.schedule("site_live", true, RECORD, "due" + i, t0.minusMillis(i), null).block(WAIT);
        }
        db.sql("ANALYZE due_work").then().block(WAIT);

        DueWorkRunner eight = runner(withConcurrency(8, 100));
        String plans = eight.explainClaim().block(WAIT);
        System.out.println("Claim plans (EXPLAIN ANALYZE, BUFFERS):\n" + plans);
        assertThat(plans).contains("due_work_runnable").contains("due_work_test_site").doesNotContain("Seq Scan on due_work");
        java.util.regex.Matcher removed = java.util.regex.Pattern.compile("Rows Removed by Filter: (\\d+)")
                .matcher(plans);
        while (removed.find()) {
            assertThat(Long.parseLong(removed.group(1))).as("rows removed by a filter").isLessThan(50);
        }
        java.util.regex.Matcher buffers = java.util.regex.Pattern.compile("Buffers: shared hit=(\\d+)(?: read=(\\d+))?")
                .matcher(plans);
        assertThat(buffers.find()).isTrue();
        long top = Long.parseLong(buffers.group(1)) + (buffers.group(2) == null ? 0 : Long.parseLong(buffers.group(2)));
        assertThat(top).as("buffers of the whole claim (a)").isLessThan(300);

        // and the claim takes exactly the due ones: 5 live, 3 of the released site; not the frozen site's
        StepVerifier.create(eight.runOnce()).expectNext(8).verifyComplete();
        assertThat(log("site_live")).hasSize(5);
        assertThat(log("site_year")).hasSize(3);
        assertThat(log("site_frozen")).isEmpty();
    }

    @Test
    void drainDoesNotRunLaterItemsWhileTheEarliestIsClaimedElsewhere() {
        String site = "site_blocked";
        Instant step = t0.plus(Duration.ofDays(10));
        dueWork.schedule(site, false, RECORD, "first", t0.plus(Duration.ofDays(1)), null).block(WAIT);
        dueWork.schedule(site, false, RECORD, "second", t0.plus(Duration.ofDays(2)), null).block(WAIT);
        // the background loop claimed "first" just before the test clock froze the site
        db.sql("UPDATE due_work SET lease_token = gen_random_uuid(), lease_until = :until WHERE key = 'first'")
                .bind("until", Rows.timestamp(t0.plusSeconds(60))).then().block(WAIT);
        siteClocks.freeze(site, step).block(WAIT);

        StepVerifier.create(runner.drain(site, step)).expectNext(0).verifyComplete();
        assertThat(log(site)).isEmpty();
        StepVerifier.create(runner.pending(site, step)).expectNext(2L).verifyComplete(); // not quiet

        clock.advance(Duration.ofSeconds(60)); // the lease ended (its runner gave it up)
        StepVerifier.create(runner.drain(site, step)).expectNext(2).verifyComplete();
        assertThat(log(site)).extracting(r -> r.get("key")).containsExactly("first", "second");
    }

    @Test
    void aTestClockNeverSeesOrRunsLiveItemsOfASiteWithTheSameId() {
        String site = "site_twin";
        dueWork.schedule(site, true, RECORD, "live", t0.plus(Duration.ofDays(1)), null).block(WAIT);
        dueWork.schedule(site, false, RECORD, "test", t0.plus(Duration.ofDays(2)), null).block(WAIT);
        StepVerifier.create(runner.nextDue(site)).expectNext(Optional.of(t0.plus(Duration.ofDays(2))))
                .verifyComplete();
        StepVerifier.create(runner.pending(site, t0.plus(Duration.ofDays(3)))).expectNext(1L).verifyComplete();
        siteClocks.freeze(site, t0.plus(Duration.ofDays(3))).block(WAIT);
        StepVerifier.create(runner.drain(site, t0.plus(Duration.ofDays(3)))).expectNext(1).verifyComplete();
        assertThat(log(site)).extracting(r -> r.get("key")).containsExactly("test");
        assertThat(dueWork.find(RECORD, "live").block(WAIT)).isNotNull();

        // the outbox: live events of the site are not the test clock's to wait for
        transaction.transactional(outbox.append(event(site, true)).then(outbox.append(event(site, false))))
                .block(WAIT);
        StepVerifier.create(siteClocks.outboxPending(site)).expectNext(1L).verifyComplete();
    }

    @Test
    void aLostDeadlockIsTriedAgainShortlyWithoutCountingATry() {
        // max-attempts is 3: five lost deadlocks in a row would park an item if they counted
        dueWork.schedule("site_live", true, RECORD, "deadlocked", t0, "deadlock=5").block(WAIT);
        double before = processed(RECORD, "conflicted");
        for (int i = 0; i < 5; i++) {
            StepVerifier.create(runner.runOnce()).expectNext(0).verifyComplete();
            ScheduledItem item = dueWork.find(RECORD, "deadlocked").block(WAIT);
            assertThat(item.parked()).isFalse();
            assertThat(item.item().attempts()).isZero();
            assertThat(item.lastError()).contains("40P01");
            clock.advance(Duration.ofSeconds(1)); // the short wait, not the 10 s backoff
        }
        StepVerifier.create(runner.runOnce()).expectNext(1).verifyComplete();
        assertThat(log("site_live")).singleElement().satisfies(r -> assertThat(r.get("key")).isEqualTo("deadlocked"));
        assertThat(processed(RECORD, "conflicted") - before).isEqualTo(5);
    }

    @Test
    void cancelWinsOverARunningItemThatSchedulesItselfAgain() throws Exception {
        DueWorkSampleApplication.RecordingHandler.GATE = new java.util.concurrent.CompletableFuture<>();
        DueWorkSampleApplication.RecordingHandler.GATE_ENTERED = new java.util.concurrent.CompletableFuture<>();
        dueWork.schedule("site_live", true, RECORD, "gated", t0, "gate").block(WAIT);
        var run = runner.runOnce().toFuture();
        DueWorkSampleApplication.RecordingHandler.GATE_ENTERED.get(30, java.util.concurrent.TimeUnit.SECONDS);
        // the handler has deleted its row and scheduled the next one, not committed: cancel waits for it
        var cancelled = dueWork.cancel(RECORD, "gated").toFuture();
        await().atMost(WAIT).until(() -> count("""
                SELECT count(*) AS n FROM pg_stat_activity
                 WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM due_work WHERE kind%'""") > 0);
        DueWorkSampleApplication.RecordingHandler.GATE.complete(null);
        assertThat(run.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(cancelled.get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(dueWork.find(RECORD, "gated").blockOptional(WAIT)).isEmpty();
        assertThat(log("site_live")).hasSize(1); // the run itself committed
    }

    @Test
    void outboxPendingCountsParkedEventsOfTheSite() {
        transaction.transactional(outbox.append(event("site_parked"))).block(WAIT);
        db.sql("""
                        INSERT INTO outbox_parked (id, event_id, event_type, topic, message_key, schema_name,
                                                   schema_fingerprint, payload, created_at, attempts, error, site_id)
                        SELECT id, event_id, event_type, topic, message_key, schema_name, schema_fingerprint, payload,
                               created_at, 5, 'rejected', site_id FROM outbox WHERE site_id = 'site_parked'""")
                .then().then(db.sql("DELETE FROM outbox WHERE site_id = 'site_parked'").then()).block(WAIT);
        StepVerifier.create(siteClocks.outboxPending("site_parked")).expectNext(1L).verifyComplete();
        StepVerifier.create(siteClocks.outboxParked("site_parked")).expectNext(1L).verifyComplete();
        db.sql("DELETE FROM outbox_parked WHERE site_id = 'site_parked'").then().block(WAIT);
    }

    // --- helpers

    static OutboxMessage event(String site) {
        return event(site, false);
    }

    static OutboxMessage event(String site, boolean livemode) {
        UUID id = UUID.randomUUID();
        EventHeader header = header(id, site, livemode);
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        return new OutboxMessage(id, "organization.created", DueWorkSampleApplication.TOPIC, site,
                OrganizationCreated.newBuilder().setHeader(header).setOrganization(Organization.newBuilder()
                        .setId("org_" + id).setName("Org").setCreatedAt(at).setUpdatedAt(at).build()).build());
    }

    static EventHeader header(UUID id, String site, boolean livemode) {
        return EventHeader.newBuilder().setEventId(id.toString()).setEventType("organization.created")
                .setSiteId(site).setOccurredAt(Instant.parse("2030-01-01T00:00:00Z")).setProducer("sample")
                .setLivemode(livemode).build();
    }

    private DueWorkProperties withConcurrency(int concurrency, int batchSize) {
        return new DueWorkProperties(false, Duration.ofSeconds(1), batchSize, concurrency, Duration.ofSeconds(60), 3,
                Duration.ofSeconds(10), Duration.ofMinutes(1));
    }

    private DueWorkRunner runner(DueWorkProperties properties) {
        return new DueWorkRunner(DatabaseClient.create(connectionFactory),
                TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory)), handlers, siteTime,
                siteClocks, clock, properties, meters);
    }

    private List<Map<String, Object>> log(String site) {
        return db.sql("SELECT * FROM due_log WHERE site_id = :site ORDER BY id").bind("site", site)
                .fetch().all().collectList().block(WAIT);
    }

    private List<String> keysPending() {
        return db.sql("SELECT key FROM due_work WHERE state = 'pending' ORDER BY due_at")
                .map(r -> r.get("key", String.class)).all().collectList().block(WAIT);
    }

    private long count(String sql) {
        return db.sql(sql).map(r -> r.get("n", Long.class)).one().block(WAIT);
    }

    private double processed(String kind, String outcome) {
        var counter = meters.find("masthead.due_work.processed").tag("kind", kind).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static Instant instant(Map<String, Object> row, String column) {
        return ((java.time.OffsetDateTime) row.get(column)).toInstant();
    }
}
