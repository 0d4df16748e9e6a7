package io.masthead.test.spring.duework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.events.customer.OrganizationCreated;
import io.masthead.platform.duework.DueWork;
import io.masthead.platform.duework.DueWorkRunner;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.time.MutableClock;
import io.masthead.platform.time.SiteClocks;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.spring.MastheadIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;

/**
 * The background loop of the due-work runner, on its own (poll interval 100 ms), and the site's outbox count with the
 * real relay publishing to Kafka. Waits are for positive markers (a row of {@code due_log}, the relay's deletes).
 */
@MastheadIntegrationTest(database = "due_work_loop", properties = {
        "masthead.due-work.poll-interval=100ms",
        "masthead.outbox.enabled=true"})
@ContextConfiguration(classes = DueWorkSampleApplication.class)
class DueWorkLoopIntegrationTest {

    private static final String RECORD = "sample.record";
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
    Outbox outbox;
    @Autowired
    TransactionalOperator transaction;

    @Test
    void theLoopRunsItemsWhenTheyAreDueByTheInjectedClock() {
        assertThat(runner.isRunning()).isTrue();
        Instant t0 = clock.instant();
        dueWork.schedule("site_loop", true, RECORD, "now", t0.minusSeconds(1), null).block(WAIT);
        dueWork.schedule("site_loop", true, RECORD, "in_an_hour", t0.plus(Duration.ofHours(1)), null).block(WAIT);

        awaitLogged("now");
        assertThat(logged("in_an_hour")).isFalse();
        assertThat(dueWork.find(RECORD, "in_an_hour").block(WAIT)).isNotNull();

        clock.advance(Duration.ofHours(1));
        awaitLogged("in_an_hour");
        assertThat(dueWork.find(RECORD, "in_an_hour").blockOptional(WAIT)).isEmpty();
    }

    @Test
    void theLoopLeavesAFrozenSiteToItsTestClockAndRunsItsWorkOnceReleased() {
        Instant t0 = clock.instant();
        String site = "site_frozen";
        siteClocks.freeze(site, t0.plus(Duration.ofDays(10))).block(WAIT);
        dueWork.schedule(site, false, RECORD, "frozen_item", t0.minus(Duration.ofHours(1)), null).block(WAIT);
        // two later rounds of the loop (markers due after the frozen site's item) pass it by
        dueWork.schedule("site_live", true, RECORD, "marker_1", t0, null).block(WAIT);
        awaitLogged("marker_1");
        dueWork.schedule("site_live", true, RECORD, "marker_2", t0, null).block(WAIT);
        awaitLogged("marker_2");
        assertThat(logged("frozen_item")).isFalse();

        siteClocks.release(site, t0.plus(Duration.ofDays(10))).block(WAIT);
        awaitLogged("frozen_item");
        OffsetDateTime siteNow = db.sql("SELECT site_now FROM due_log WHERE key = 'frozen_item'")
                .map(r -> r.get("site_now", OffsetDateTime.class)).one().block(WAIT);
        assertThat(siteNow.toInstant()).isAfterOrEqualTo(t0.plus(Duration.ofDays(10)));
        assertThat(siteClocks.activity(site).block(WAIT)).isEqualTo(1L);
    }

    @Test
    void outboxPendingDropsToZeroOnceTheRelayPublishedTheSitesEvents() {
        List<String> sites = List.of("site_pub", "site_pub", "site_pub_other");
        try (TopicProbe<Object> probe = TopicProbe.avro(DueWorkSampleApplication.TOPIC)) {
            List<OrganizationCreated> events = sites.stream()
                    .map(site -> (OrganizationCreated) DueWorkIntegrationTest.event(site).payload()).toList();
            transaction.transactional(Flux.fromIterable(sites)
                    .zipWithIterable(events)
                    .concatMap(pair -> outbox.append(new io.masthead.platform.outbox.OutboxMessage(
                            java.util.UUID.fromString(pair.getT2().getHeader().getEventId()), "organization.created",
                            DueWorkSampleApplication.TOPIC, pair.getT1(), pair.getT2())))
                    .then()).block(WAIT);

            for (OrganizationCreated event : events) {
                probe.awaitOne(r -> r.value() instanceof OrganizationCreated seen
                        && seen.getHeader().getEventId().equals(event.getHeader().getEventId()));
            }
            await().atMost(WAIT).until(() -> siteClocks.outboxPending("site_pub").block(WAIT) == 0
                    && siteClocks.outboxPending("site_pub_other").block(WAIT) == 0);
        }
    }

    private void awaitLogged(String key) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> logged(key));
    }

    private boolean logged(String key) {
        return db.sql("SELECT count(*) AS n FROM due_log WHERE key = :key").bind("key", key)
                .map(r -> r.get("n", Long.class)).one().block(WAIT) > 0;
    }
}
