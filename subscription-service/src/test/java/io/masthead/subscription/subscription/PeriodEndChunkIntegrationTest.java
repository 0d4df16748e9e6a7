package io.masthead.subscription.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.platform.duework.DueWork;
import io.masthead.subscription.subscription.infrastructure.SubscriptionEvents;
import io.masthead.subscription.subscription.infrastructure.SubscriptionRepository;
import io.masthead.subscription.subscription.model.Lifecycle;
import io.masthead.subscription.subscription.model.Outcome;
import io.masthead.subscription.subscription.model.Subscription;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Period ends run in chunks ({@code subscription.period_end} is a chunk handler): a chunk writes, set-wise, exactly
 * what each subscription's own period end ({@link Subscription#periodEnded}, one by one) decides — the same rows,
 * periods, next items and events — stale items change nothing, and a request that changes a subscription while its
 * chunk runs either goes first or after it, never lost.
 */
class PeriodEndChunkIntegrationTest extends SubscriptionIntegrationSupport {

    @Autowired
    SubscriptionRepository subscriptions;
    @Autowired
    DueWork dueWork;
    @Autowired
    TransactionalOperator transaction;
    @Autowired
    MeterRegistry meters;

    private static Instant plusMonths(Instant t, long months) {
        return t.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    private String id(Map<String, Object> resource) {
        return resource.get("id").toString();
    }

    @Test
    void aChunkWritesWhatEachSubscriptionsOwnPeriodEndDecidesAndStaleItemsChangeNothing() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String monthly = plan(site, 1_500, "month", 1, true, 2, "regular", null, false);
        String oneTerm = plan(site, 900, "month", 1, false, 0, "regular", null, false);
        String yearly = plan(site, 12_000, "year", 1, true, 0, "regular", null, false);
        String ann = customer(site, "Ann", "ann@example.com");
        String bob = customer(site, "Bob", "bob@example.com");
        String cyd = customer(site, "Cyd", "cyd@example.com");
        List<String> ids = new ArrayList<>();
        ids.add(id(subscribe(site, Map.of("customer", ann, "plan", monthly))));
        ids.add(id(subscribe(site, Map.of("customer", ann, "plan", monthly, "quantity", 3,
                "metadata", Map.of("ref", "A-2")))));
        ids.add(id(subscribe(site, Map.of("customer", bob, "plan", monthly, "cancel_at_period_end", true))));
        ids.add(id(subscribe(site, Map.of("customer", bob, "plan", oneTerm))));
        String renewsOnYearly = id(subscribe(site, Map.of("customer", cyd, "plan", monthly)));
        ids.add(renewsOnYearly);
        post(site, "/v1/subscriptions/" + renewsOnYearly + "/renew").bodyValue(Map.of("plan", yearly)).exchange()
                .expectStatus().isOk();
        String canceled = id(subscribe(site, Map.of("customer", cyd, "plan", monthly)));
        post(site, "/v1/subscriptions/" + canceled + "/cancel").bodyValue(Map.of()).exchange().expectStatus().isOk();
        String moved = id(subscribe(site, Map.of("customer", cyd, "plan", monthly)));
        Instant periodEnd = plusMonths(t0, 1);
        // stale items: one left behind by a subscription that ended, one whose due time is not the period's end
        dueWork.schedule(site, false, Lifecycle.PERIOD_END, canceled, periodEnd, null).block();
        dueWork.schedule(site, false, Lifecycle.PERIOD_END, moved, periodEnd.minus(Duration.ofDays(1)), null).block();
        ids.add(canceled);
        ids.add(moved);

        // what each one's own period end decides, at its item's due time (the step that runs it)
        Map<String, Subscription> expected = new LinkedHashMap<>();
        Map<String, Subscription.Step> steps = new LinkedHashMap<>();
        for (String id : ids) {
            Subscription before = subscriptions.find(site, id).block();
            Instant due = dueWork.find(Lifecycle.PERIOD_END, id).block().item().dueAt();
            Outcome<Subscription.Step> outcome = before.periodEnded(due, due);
            expected.put(id, outcome.isDone() ? outcome.value().subscription() : before);
            if (outcome.isDone()) {
                steps.put(id, outcome.value());
            }
        }
        assertThat(steps.keySet()).hasSize(5).doesNotContain(canceled, moved);
        double splitBefore = chunksSplit();

        advance(site, periodEnd.plus(Duration.ofHours(1)));

        assertThat(chunksSplit()).isEqualTo(splitBefore); // the chunk itself succeeded, not its items one by one
        for (String id : ids) {
            Subscription after = subscriptions.find(site, id).block();
            assertThat(after).as(id).usingRecursiveComparison().isEqualTo(expected.get(id));
            Subscription.Step step = steps.get(id);
            List<ConsumerRecord<String, Object>> events = events(site, id);
            if (step == null) {
                assertThat(events).as(id).noneMatch(r -> header(r.value()).getOccurredAt().isAfter(t0));
                assertThat(dueWork.find(Lifecycle.PERIOD_END, id).blockOptional()).as(id).isEmpty();
                continue;
            }
            // exactly one event of the step (at the period end), and it is the subscription's last
            List<ConsumerRecord<String, Object>> ofStep = events.stream()
                    .filter(r -> header(r.value()).getOccurredAt().isAfter(t0)).toList();
            assertThat(ofStep).as(id).hasSize(1);
            ConsumerRecord<String, Object> last = ofStep.getFirst();
            assertThat(events.getLast()).as(id).isSameAs(last);
            assertThat(header(last.value()).getEventType()).as(id).isEqualTo(switch (step) {
                case Subscription.Renewed r -> SubscriptionEvents.RENEWED;
                case Subscription.Expired e -> SubscriptionEvents.EXPIRED;
                case Subscription.Canceled c -> SubscriptionEvents.CANCELED;
                case Subscription.Began b -> SubscriptionEvents.UPDATED;
            });
            assertThat(header(last.value()).getOccurredAt()).isEqualTo(periodEnd);
            assertThat(snapshot(last.value())).as(id).isEqualTo(SubscriptionEvents.snapshot(expected.get(id)));
            assertThat(last.key()).isEqualTo(after.customerId());
            var next = dueWork.find(Lifecycle.PERIOD_END, id).blockOptional();
            if (step instanceof Subscription.Renewed) {
                assertThat(next).as(id).hasValueSatisfying(item -> {
                    assertThat(item.item().dueAt()).isEqualTo(after.currentPeriodEnd());
                    assertThat(item.item().attempts()).isZero();
                });
                assertThat(db.sql("""
                                SELECT count(*) AS n FROM subscription_periods
                                 WHERE subscription_id = :id AND kind = 'renewal' AND period_start = :start
                                   AND period_end = :end AND period_number = :number AND plan_id = :plan
                                   AND amount = :amount AND created_at = :now""")
                        .bind("id", id).bind("start", io.masthead.platform.r2dbc.Rows.timestamp(
                                after.currentPeriodStart()))
                        .bind("end", io.masthead.platform.r2dbc.Rows.timestamp(after.currentPeriodEnd()))
                        .bind("number", after.periodNumber()).bind("plan", after.plan().planId())
                        .bind("amount", after.plan().amount())
                        .bind("now", io.masthead.platform.r2dbc.Rows.timestamp(periodEnd))
                        .map(r -> r.get("n", Long.class)).one().block()).as(id).isEqualTo(1);
            } else {
                assertThat(next).as(id).isEmpty();
            }
        }
        assertThat(expected.get(renewsOnYearly).plan().planId()).isEqualTo(yearly);
    }

    @Test
    void aCancelRacingTheChunkThatRenewsItEitherGoesFirstOrAfterItAndIsNeverLost() throws Exception {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String monthly = monthlyPlan(site);
        String ann = customer(site, "Ann", "ann@example.com");
        String bob = customer(site, "Bob", "bob@example.com");
        String raced = id(subscribe(site, Map.of("customer", ann, "plan", monthly)));
        String sibling = id(subscribe(site, Map.of("customer", ann, "plan", monthly)));
        String other = id(subscribe(site, Map.of("customer", bob, "plan", monthly)));
        Instant periodEnd = plusMonths(t0, 1);

        // a writer holds Ann's lock: the chunk (at the period end) and the cancel both queue behind it
        CompletableFuture<Void> locked = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        transaction.transactional(db.sql("""
                        SELECT 1 FROM customer_view WHERE site_id = :site AND id = :id FOR NO KEY UPDATE""")
                .bind("site", site).bind("id", ann).fetch().rowsUpdated()
                .then(Mono.fromRunnable(() -> locked.complete(null)))
                .then(Mono.fromFuture(release, true))).subscribe();
        locked.get(30, TimeUnit.SECONDS);
        assertThat(db.sql("""
                        SELECT count(*) AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                         WHERE c.relname = 'customer_view' AND l.mode = 'RowShareLock'""")
                .map(r -> r.get("n", Long.class)).one().block()).as("the lock is held").isPositive();
        double splitBefore = chunksSplit();
        ExecutorService threads = Executors.newFixedThreadPool(2); // both block: not the common pool
        CompletableFuture<Instant> advanced = CompletableFuture.supplyAsync(
                () -> advance(site, periodEnd.plus(Duration.ofHours(1))), threads);
        await().atMost(Duration.ofSeconds(60)).until(() -> lockWaiters() >= 1);
        CompletableFuture<Integer> cancel = CompletableFuture.supplyAsync(() -> post(site,
                "/v1/subscriptions/" + raced + "/cancel").bodyValue(Map.of()).exchange().returnResult(Void.class)
                .getStatus().value(), threads);
        await().atMost(Duration.ofSeconds(60)).until(() -> lockWaiters() >= 2);
        release.complete(null);
        assertThat(cancel.get(60, TimeUnit.SECONDS)).isEqualTo(200);
        advanced.get(120, TimeUnit.SECONDS);
        threads.shutdown();
        assertThat(chunksSplit()).as("the chunk ran as one, not split").isEqualTo(splitBefore);

        Subscription after = subscriptions.find(site, raced).block();
        assertThat(after.status()).isEqualTo(SubscriptionStatus.CANCELED);
        List<ConsumerRecord<String, Object>> events = events(site, raced);
        List<String> types = events.stream().map(r -> header(r.value()).getEventType()).toList();
        // the cancel went first (no renewal) or after the renewal (of the renewed subscription): both clean
        assertThat(types).isIn(List.of(SubscriptionEvents.CREATED, SubscriptionEvents.CANCELED),
                List.of(SubscriptionEvents.CREATED, SubscriptionEvents.RENEWED, SubscriptionEvents.CANCELED));
        assertThat(snapshot(events.getLast().value())).isEqualTo(SubscriptionEvents.snapshot(after));
        assertThat(after.periodNumber()).isEqualTo(types.contains(SubscriptionEvents.RENEWED) ? 1 : 0);
        assertThat(dueWork.find(Lifecycle.PERIOD_END, raced).blockOptional()).isEmpty();
        // the chunk's other subscriptions renewed either way, once
        for (String id : List.of(sibling, other)) {
            assertThat(eventTypes(site, id)).containsExactly(SubscriptionEvents.CREATED, SubscriptionEvents.RENEWED);
            assertThat(subscriptions.find(site, id).block().currentPeriodEnd()).isEqualTo(plusMonths(t0, 2));
        }
    }

    private long lockWaiters() {
        return db.sql("""
                        SELECT count(*) AS n FROM pg_stat_activity
                         WHERE datname = current_database() AND wait_event_type = 'Lock'""")
                .map(r -> r.get("n", Long.class)).one().block();
    }

    private double chunksSplit() {
        var counter = meters.find("masthead.due_work.chunks_split").tag("kind", Lifecycle.PERIOD_END).counter();
        return counter == null ? 0 : counter.count();
    }
}
