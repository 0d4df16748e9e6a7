package io.masthead.subscription.bulkcancel;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.subscription.SubscriptionCanceled;
import io.masthead.platform.duework.DueWork;
import io.masthead.platform.duework.DueWorkRunner;
import io.masthead.subscription.bulkcancel.application.BulkCancellationService;
import io.masthead.subscription.subscription.SubscriptionIntegrationSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Bulk cancellation of 1,000 subscriptions on the real engines: a dry run first, the run, a crash, a re-run. */
class BulkCancellationIntegrationTest extends SubscriptionIntegrationSupport {

    @Autowired
    DueWorkRunner runner;

    @Autowired
    DueWork dueWork;

    @Autowired
    BulkCancellationService bulk;

    @Autowired
    TransactionalOperator transaction;

    @SuppressWarnings("unchecked")
    private Map<String, Object> job(String site, String id) {
        return get(site, "/v1/bulk_cancellations/" + id).exchange().expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> start(String site, Map<String, Object> body) {
        return post(site, "/v1/bulk_cancellations").bodyValue(body).exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private long count(String site, String sql) {
        return db.sql("SELECT count(*) AS n FROM subscriptions WHERE site_id = :site AND " + sql).bind("site", site)
                .map(row -> row.get("n", Long.class)).one().block();
    }

    private void drain(String site) {
        runner.drain(site, siteTime.now(site, false).block()).block(Duration.ofMinutes(5));
    }

    @Test
    void aThousandSubscriptionsDryRunFirstThenCanceledInResumableBatchesAndARerunCancelsNothingTwice()
            throws Exception {
        String site = newSite();
        freezeClock(site);
        String target = monthlyPlan(site);
        String other = monthlyPlan(site);
        List<String> customers = IntStream.range(0, 40).mapToObj(i -> customer(site, "Reader" + i,
                "reader" + i + "@example.com")).toList();
        List<String> ids = new ForkJoinPool(4).submit(() -> IntStream.range(0, 1_000).parallel()
                .mapToObj(i -> subscribe(site, Map.of("customer", customers.get(i % customers.size()), "plan", target))
                        .get("id").toString())
                .collect(Collectors.toList())).get();
        List<String> others = IntStream.range(0, 5).mapToObj(i -> subscribe(site, Map.of("customer",
                customers.get(i), "plan", other)).get("id").toString()).toList();
        for (String id : ids.subList(0, 3)) {
            post(site, "/v1/subscriptions/" + id + "/cancel").bodyValue("{}").exchange().expectStatus().isOk();
        }
        assertThat(count(site, "status = 'canceled'")).isEqualTo(3);

        // the dry run goes through the same batches and changes nothing
        Map<String, Object> dry = start(site, Map.of("scope", Map.of("plan", target), "effective", "immediately",
                "dry_run", true));
        assertThat(dry).containsEntry("status", "pending").containsEntry("dry_run", true)
                .containsEntry("object", "bulk_cancellation");
        drain(site);
        Map<String, Object> dryDone = job(site, dry.get("id").toString());
        assertThat(dryDone).containsEntry("status", "succeeded").containsEntry("matched", 1000)
                .containsEntry("canceled", 997);
        assertThat((Map<String, Object>) dryDone.get("report")).containsEntry("would_cancel", 997)
                .containsEntry("skipped_already_ended", 3);
        assertThat(count(site, "status = 'canceled'")).isEqualTo(3);
        assertThat(canceledEvents(site)).hasSize(3);

        // the run: a crash after a batch committed (the item's own transaction fails, so the item stays) resumes
        // from the stored cursor; running the same item again never cancels a subscription twice
        String run = start(site, Map.of("scope", Map.of("plan", target), "effective", "immediately"))
                .get("id").toString();
        var item = dueWork.find(BulkCancellationService.KIND, run).block().item();
        Instant now = siteTime.now(site, false).block();
        Mono<Void> crashing = bulk.handle(item, now).then(Mono.error(new IllegalStateException("crash")));
        try {
            transaction.transactional(crashing).block();
        } catch (IllegalStateException expected) {
            // the item's transaction rolled back; the batch had committed
        }
        Map<String, Object> partial = job(site, run);
        assertThat(partial).containsEntry("status", "running").containsEntry("matched", 1000);
        assertThat((Map<String, Object>) partial.get("report"))
                .containsEntry("processed", BulkCancellationService.BATCH_SIZE);
        assertThat(count(site, "status = 'canceled'")).isEqualTo(3 + ((Number) partial.get("canceled")).longValue());
        assertThat(dueWork.find(BulkCancellationService.KIND, run).blockOptional()).isPresent();

        transaction.transactional(bulk.handle(item, now)).block(); // the same item again: the next batch
        assertThat((Map<String, Object>) job(site, run).get("report"))
                .containsEntry("processed", 2 * BulkCancellationService.BATCH_SIZE);

        drain(site);
        Map<String, Object> done = job(site, run);
        assertThat(done).containsEntry("status", "succeeded").containsEntry("canceled", 997)
                .containsEntry("matched", 1000);
        assertThat((Map<String, Object>) done.get("report")).containsEntry("canceled", 997)
                .containsEntry("skipped_already_ended", 3).containsEntry("processed", 1000);
        assertThat(done.get("completed_at")).isNotNull();
        assertThat(count(site, "plan_id = '" + target + "' AND status = 'canceled'")).isEqualTo(1000);
        assertThat(count(site, "plan_id = '" + other + "' AND status = 'active'")).isEqualTo(5);

        // one canceled event per subscription, no renewal left for any of them
        List<ConsumerRecord<String, Object>> canceled = canceledEvents(site);
        assertThat(canceled).hasSize(1000);
        assertThat(canceled.stream().map(r -> snapshot(r.value()).getId()).distinct()).hasSize(1000);
        assertThat(db.sql("SELECT count(*) AS n FROM due_work WHERE site_id = :site AND kind LIKE 'subscription.%'")
                .bind("site", site).map(row -> row.get("n", Long.class)).one().block()).isEqualTo(5);

        // a re-run cancels nothing twice
        String again = start(site, Map.of("scope", Map.of("all", true), "effective", "immediately"))
                .get("id").toString();
        drain(site);
        assertThat(job(site, again)).containsEntry("status", "succeeded").containsEntry("matched", 1005)
                .containsEntry("canceled", 5);
        assertThat(canceledEvents(site)).hasSize(1005);
        assertThat(others).allSatisfy(id -> get(site, "/v1/subscriptions/" + id).exchange().expectBody()
                .jsonPath("$.status").isEqualTo("canceled"));
    }

    private List<ConsumerRecord<String, Object>> canceledEvents(String site) {
        return everythingPublished(site).stream().filter(r -> r.value() instanceof SubscriptionCanceled).toList();
    }

    @Test
    void atPeriodEndSetsCancelAtPeriodEndAndOnADateTheJobWaitsForIt() {
        String site = newSite();
        Instant t0 = freezeClock(site);
        String plan = monthlyPlan(site);
        String customer = customer(site, "Period", "period@example.com");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(subscribe(site, Map.of("customer", customer, "plan", plan)).get("id").toString());
        }
        String periodEnd = start(site, Map.of("scope", Map.of("status", "active"), "effective", "period_end"))
                .get("id").toString();
        drain(site);
        assertThat(job(site, periodEnd)).containsEntry("status", "succeeded").containsEntry("canceled", 3);
        assertThat(count(site, "cancel_at_period_end AND status = 'active'")).isEqualTo(3);
        // a second period-end run skips them: they are already canceling
        String again = start(site, Map.of("scope", Map.of("status", "active"), "effective", "period_end"))
                .get("id").toString();
        drain(site);
        assertThat(job(site, again)).containsEntry("canceled", 0);
        assertThat((Map<String, Object>) job(site, again).get("report")).containsEntry("skipped_already_canceling", 3);

        Instant date = t0.plus(Duration.ofDays(5));
        String dated = start(site, Map.of("scope", Map.of("all", true), "effective", "date", "effective_date",
                date.toString())).get("id").toString();
        drain(site);
        assertThat(job(site, dated)).containsEntry("status", "pending");
        advance(site, date.plusSeconds(1));
        assertThat(job(site, dated)).containsEntry("status", "succeeded").containsEntry("canceled", 3);
        assertThat(count(site, "status = 'canceled' AND ended_at = '" + date + "'")).isEqualTo(3);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theScopeIsTheSnapshotAtTheJobsCreationSoADryRunMatchesTheRealRun() {
        String site = newSite();
        Instant t0 = freezeClock(site); // the site's time stands still: later subscriptions share the job's time
        String plan = monthlyPlan(site);
        String customer = customer(site, "Snap", "snap@example.com");
        List<String> before = IntStream.range(0, 5).mapToObj(i -> subscribe(site, Map.of("customer", customer,
                "plan", plan)).get("id").toString()).toList();

        Map<String, Object> scope = Map.of("plan", plan);
        String dry = start(site, Map.of("scope", scope, "effective", "immediately", "dry_run", true))
                .get("id").toString();
        Instant date = t0.plus(Duration.ofDays(5));
        String dated = start(site, Map.of("scope", scope, "effective", "date", "effective_date", date.toString()))
                .get("id").toString();
        // created after both jobs, before either ran: not theirs
        List<String> after = IntStream.range(0, 3).mapToObj(i -> subscribe(site, Map.of("customer", customer,
                "plan", plan)).get("id").toString()).toList();

        drain(site);
        assertThat(job(site, dry)).containsEntry("status", "succeeded").containsEntry("matched", 5)
                .containsEntry("canceled", 5);
        // one of the snapshot changes plan before the dated job runs: its replacement does not escape the job
        String replacement = created(post(site, "/v1/subscriptions/" + before.getFirst() + "/change_plan")
                .bodyValue(Map.of("plan", monthlyPlan(site)))).get("id").toString();
        advance(site, date.plusSeconds(1));
        assertThat(job(site, dated)).containsEntry("status", "succeeded").containsEntry("matched", 6)
                .containsEntry("canceled", 5);
        assertThat((Map<String, Object>) job(site, dated).get("report")).containsEntry("skipped_already_ended", 1);
        assertThat(before).allSatisfy(id -> get(site, "/v1/subscriptions/" + id).exchange().expectBody()
                .jsonPath("$.status").isEqualTo("canceled"));
        get(site, "/v1/subscriptions/" + replacement).exchange().expectBody().jsonPath("$.status")
                .isEqualTo("canceled");
        assertThat(after).allSatisfy(id -> get(site, "/v1/subscriptions/" + id).exchange().expectBody()
                .jsonPath("$.status").isEqualTo("active"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theReportCountsTheMembersTheAdminsTookWithThemDryRunToo() {
        String site = newSite();
        freezeClock(site);
        String regular = monthlyPlan(site);
        String group = plan(site, 50_000, "year", 1, true, 0, "membership", null, false);
        subscribe(site, Map.of("customer", customer(site, "Boss", "boss@example.com"), "plan", group, "type", "admin",
                "membership", "desk"));
        for (String name : List.of("Ann", "Bob")) {
            subscribe(site, Map.of("customer", customer(site, name, name + "@example.com"), "plan", group, "type",
                    "member", "membership", "desk"));
        }
        subscribe(site, Map.of("customer", customer(site, "Reg", "reg@example.com"), "plan", regular));
        // every one is in the scope; a dry run changes nothing, so the members count on their own turn too
        Map<String, Object> scope = Map.of("all", true);
        String dry = start(site, Map.of("scope", scope, "effective", "period_end", "dry_run", true)).get("id")
                .toString();
        drain(site);
        assertThat((Map<String, Object>) job(site, dry).get("report")).containsEntry("would_cancel", 4)
                .containsEntry("would_cancel_with_admin", 2).containsEntry("processed", 4);
        String run = start(site, Map.of("scope", scope, "effective", "period_end")).get("id").toString();
        drain(site);
        // the admin came first: its members were set to cancel with it, then skipped on their own turn
        assertThat((Map<String, Object>) job(site, run).get("report")).containsEntry("canceled", 2)
                .containsEntry("canceled_with_admin", 2).containsEntry("skipped_already_canceling", 2);
        assertThat(count(site, "cancel_at_period_end")).isEqualTo(4);
    }

    @Autowired
    io.masthead.platform.duework.DueWorkProperties dueWorkProperties;

    @Test
    void aBatchThatKeepsFailingFailsTheJobOnItsLastTryWithTheReason() {
        String site = newSite();
        freezeClock(site);
        String plan = monthlyPlan(site);
        String customer = customer(site, "Fail", "fail@example.com");
        for (int i = 0; i < 3; i++) {
            subscribe(site, Map.of("customer", customer, "plan", plan));
        }
        String id = start(site, Map.of("scope", Map.of("all", true), "effective", "immediately")).get("id").toString();
        var item = dueWork.find(BulkCancellationService.KIND, id).block().item();
        Instant now = siteTime.now(site, false).block();
        String function = "refuse_" + site;
        db.sql("CREATE FUNCTION " + function + "() RETURNS trigger AS $$ BEGIN IF NEW.site_id = '" + site
                + "' THEN RAISE EXCEPTION 'subscriptions of this site refuse every change'; END IF; RETURN NEW; "
                + "END $$ LANGUAGE plpgsql").then().block();
        db.sql("CREATE TRIGGER " + function + " BEFORE UPDATE ON subscriptions FOR EACH ROW EXECUTE FUNCTION "
                + function + "()").then().block();
        try {
            // an early try fails and will be retried: the job is untouched
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> transaction.transactional(bulk.handle(item, now))
                    .block()).hasMessageContaining("refuse every change");
            assertThat(job(site, id)).containsEntry("status", "pending");
            // the last try fails the job with the reason
            var last = new io.masthead.platform.duework.DueItem(item.id(), item.siteId(), item.livemode(),
                    item.kind(), item.key(), item.dueAt(), item.payload(), dueWorkProperties.maxAttempts() - 1);
            transaction.transactional(bulk.handle(last, now)).block();
        } finally {
            db.sql("DROP TRIGGER " + function + " ON subscriptions").then().block();
            db.sql("DROP FUNCTION " + function + "()").then().block();
        }
        Map<String, Object> failed = job(site, id);
        assertThat(failed).containsEntry("status", "failed").containsEntry("canceled", 0);
        assertThat(failed.get("completed_at")).isNotNull();
        assertThat(((Map<?, ?>) failed.get("report")).get("failure").toString()).contains("refuse every change");
        assertThat(count(site, "status = 'active'")).isEqualTo(3);
    }

    @Test
    void badRequestsAreProblemsNamingTheFieldAndStartNothing() {
        String site = newSite();
        Instant now = freezeClock(site);
        record Case(Object body, String field) {
        }
        List<Case> cases = List.of(
                new Case(Map.of("effective", "immediately"), "scope"),
                new Case(Map.of("scope", Map.of(), "effective", "immediately"), "scope"),
                new Case(Map.of("scope", Map.of("all", true, "plan", "pln_x"), "effective", "immediately"),
                        "scope.all"),
                new Case(Map.of("scope", Map.of("status", "gone"), "effective", "immediately"), "scope.status"),
                new Case(Map.of("scope", Map.of("all", true)), "effective"),
                new Case(Map.of("scope", Map.of("all", true), "effective", "tomorrow"), "effective"),
                new Case(Map.of("scope", Map.of("all", true), "effective", "date"), "effective_date"),
                new Case(Map.of("scope", Map.of("all", true), "effective", "date", "effective_date",
                        now.minusSeconds(1).toString()), "effective_date"),
                new Case(Map.of("scope", Map.of("all", true), "effective", "immediately", "effective_date",
                        now.plusSeconds(60).toString()), "effective_date"));
        for (Case c : cases) {
            assertProblem(post(site, "/v1/bulk_cancellations").bodyValue(c.body()).exchange(), 422, c.field());
        }
        assertProblem(post(site, "/v1/bulk_cancellations").bodyValue(Map.of("scope", Map.of("all", true),
                "effective", "immediately", "force", true)).exchange(), 400, "force");
        assertThat(rows(site, "bulk_cancellations")).isZero();
        assertThat(rows(site, "due_work")).isZero();

        // site isolation
        String id = start(site, Map.of("scope", Map.of("all", true), "effective", "immediately")).get("id").toString();
        get(newSite(), "/v1/bulk_cancellations/" + id).exchange().expectStatus().isNotFound();
        get(site, "/v1/bulk_cancellations/bcn_nope").exchange().expectStatus().isNotFound();
    }
}
