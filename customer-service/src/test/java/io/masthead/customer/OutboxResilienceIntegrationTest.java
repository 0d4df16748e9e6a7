package io.masthead.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.masthead.events.customer.CustomerCreated;
import io.masthead.events.customer.CustomerUpdated;
import io.masthead.platform.inbox.Inbox;
import io.masthead.platform.kafka.EventHeaders;
import io.masthead.platform.kafka.SchemaRegistry;
import io.masthead.platform.outbox.OutboxProperties;
import io.masthead.platform.outbox.OutboxRelay;
import io.masthead.platform.outbox.RelayInterceptor;
import io.masthead.platform.outbox.Topics;
import io.masthead.test.engines.DatabaseCoordinates;
import io.masthead.test.engines.Engines;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * No event is lost: not when Kafka is down, not when the relay crashes between Kafka's acknowledgement
 * and deleting the rows (the replayed events are then skipped by the inbox), and only one relay is
 * active per database.
 */
@MastheadIntegrationTest(database = "customers_resilience", properties = {
    // fail fast while the broker is down, so the test sees the relay's failure-and-retry path
    "spring.kafka.producer.properties.delivery.timeout.ms=3000",
    "spring.kafka.producer.properties.request.timeout.ms=1000",
    "spring.kafka.producer.properties.max.block.ms=2000"})
class OutboxResilienceIntegrationTest {

    private static final String SITE = "site_resilience_" + UUID.randomUUID().toString().substring(0, 8);

    /** Crashes the relay once, right after Kafka acknowledged a batch and before its rows are deleted. */
    static final class CrashAfterPublish implements RelayInterceptor {
        final AtomicBoolean armed = new AtomicBoolean();
        final AtomicInteger crashes = new AtomicInteger();

        @Override
        public void published(List<Long> outboxIds) {
            if (armed.compareAndSet(true, false)) {
                crashes.incrementAndGet();
                throw new IllegalStateException("injected crash after publishing " + outboxIds.size() + " events");
            }
        }
    }

    @TestConfiguration
    static class Crashes {
        @Bean
        CrashAfterPublish crashAfterPublish() {
            return new CrashAfterPublish();
        }
    }

    @Autowired
    WebTestClient web;

    @Autowired
    DatabaseClient db;

    @Autowired
    Inbox inbox;

    @Autowired
    OutboxRelay relay;

    @Autowired
    CrashAfterPublish crash;

    private String create(String json) {
        return web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private void rename(String id, String name) {
        web.patch().uri("/v1/customers/" + id).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"first_name\": \"" + name + "\"}").exchange()
                .expectStatus().isOk();
    }

    @Test
    void whileKafkaIsDownRequestsSucceedAndEveryEventArrivesOnceInOrderAfterwards() {
        var kafka = Engines.shared().kafka();
        List<String> ids = new ArrayList<>();
        kafka.stop();
        try {
            for (int i = 0; i < 5; i++) {
                String id = create("{\"first_name\": \"v0\", \"email\": \"down" + i + "-" + SITE + "@example.com\"}");
                ids.add(id);
                for (int v = 1; v <= 3; v++) {
                    rename(id, "v" + v);
                }
            }
            long failuresBefore = relay.failures();
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.failures() > failuresBefore);
            assertThat(db.sql("SELECT count(*) AS n FROM outbox").map(r -> r.get("n", Long.class)).one().block())
                    .as("events wait in the outbox while Kafka is down").isGreaterThanOrEqualTo(20);
        } finally {
            kafka.start();
        }

        try (TopicProbe<Object> topic = TopicProbe.avro("customers.v1")) {
            Set<String> keys = Set.copyOf(ids);
            List<ConsumerRecord<String, Object>> events = topic.await(r -> keys.contains(r.key()), 20,
                    Duration.ofSeconds(60));
            topic.pollFor(Duration.ofSeconds(2));
            events = topic.received().stream().filter(r -> keys.contains(r.key())).toList();
            assertThat(events).hasSize(20);
            assertThat(events.stream().map(EventHeaders::eventId).distinct()).hasSize(20);
            for (String id : ids) {
                List<String> names = events.stream().filter(r -> r.key().equals(id)).map(r -> switch (r.value()) {
                    case CustomerCreated c -> c.getCustomer().getFirstName();
                    case CustomerUpdated u -> u.getCustomer().getFirstName();
                    default -> throw new AssertionError("unexpected " + r.value());
                }).toList();
                assertThat(names).as("per-customer order of " + id).containsExactly("v0", "v1", "v2", "v3");
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                db.sql("SELECT count(*) AS n FROM outbox").map(r -> r.get("n", Long.class)).one().block() == 0);
    }

    @Test
    void aRelayCrashAfterPublishingRepublishesAndTheInboxAppliesEachEventOnce() {
        db.sql("CREATE TABLE IF NOT EXISTS test_applied_events (event_id UUID NOT NULL)").then().block();
        crash.armed.set(true);
        int before = crash.crashes.get();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(create("{\"first_name\": \"crash " + i + "\"}"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> crash.crashes.get() > before);

        try (TopicProbe<Object> topic = TopicProbe.avro("customers.v1")) {
            Set<String> keys = Set.copyOf(ids);
            topic.await(r -> keys.contains(r.key()), 10, Duration.ofSeconds(30));
            topic.pollFor(Duration.ofSeconds(3));
            List<ConsumerRecord<String, Object>> records = topic.received().stream()
                    .filter(r -> keys.contains(r.key())).toList();
            Map<UUID, Long> copies = records.stream()
                    .collect(Collectors.groupingBy(EventHeaders::eventId, Collectors.counting()));
            assertThat(copies).hasSize(10);
            assertThat(records.size()).as("the crashed batch was published again").isGreaterThan(10);

            int applied = 0;
            int skipped = 0;
            for (ConsumerRecord<String, Object> record : records) {
                UUID eventId = EventHeaders.eventId(record);
                boolean first = inbox.process("resilience-test", eventId,
                        db.sql("INSERT INTO test_applied_events (event_id) VALUES (:id)").bind("id", eventId)
                                .then()).block();
                if (first) {
                    applied++;
                } else {
                    skipped++;
                }
            }
            assertThat(applied).isEqualTo(10);
            assertThat(skipped).isEqualTo(records.size() - 10).isPositive();
            assertThat(db.sql("SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM test_applied_events")
                    .map(r -> List.of(r.get("n", Long.class), r.get("d", Long.class))).one().block())
                    .containsExactly(10L, 10L);
        }
    }

    @Test
    void theBatchInboxAppliesEachNewEventOnceAndRollsBackWithItsEffects() {
        db.sql("CREATE TABLE IF NOT EXISTS test_batch_applied (event_id UUID PRIMARY KEY)").then().block();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        Function<Set<UUID>, Mono<Set<UUID>>> apply = fresh ->
                Flux.fromIterable(fresh)
                        .concatMap(id -> db.sql("INSERT INTO test_batch_applied (event_id) VALUES (:id)").bind("id", id)
                                .then())
                        .then(Mono.just(fresh));

        assertThat(inbox.processAll("batch-test", List.of(a, b, a), apply).block()).containsExactlyInAnyOrder(a, b);
        assertThat(inbox.processAll("batch-test", List.of(b, c), apply).block()).as("b was processed before")
                .containsExactly(c);
        assertThat(inbox.processAll("other-consumer", List.of(a), fresh -> Mono.just(fresh))
                .block()).as("each consumer has its own record").containsExactly(a);

        // effects that fail half-way roll back with the inbox records: what they wrote is gone, and the events
        // count as new when retried
        UUID d = UUID.randomUUID();
        assertThatThrownBy(() -> inbox.processAll("batch-test", List.of(c, d), fresh -> apply.apply(fresh)
                        .then(db.sql("INSERT INTO test_batch_applied (event_id) VALUES (:id)").bind("id", a).then())
                        .then(Mono.just(fresh))).block())
                .hasMessageContaining("duplicate key");
        assertThat(db.sql("SELECT count(*) AS n FROM test_batch_applied WHERE event_id = :id").bind("id", d)
                .map(r -> r.get("n", Long.class)).one().block()).as("d's effect rolled back").isZero();
        assertThat(inbox.processAll("batch-test", List.of(d), apply).block()).containsExactly(d);
        assertThat(db.sql("SELECT count(*) AS n FROM test_batch_applied").map(r -> r.get("n", Long.class)).one()
                .block()).isEqualTo(4L);
    }

    @Test
    void onlyOneRelayIsActivePerDatabaseAndAStandbyTakesOver() {
        DatabaseCoordinates database = Engines.shared().postgres().database("customers_resilience");
        MockProducer<String, byte[]> unused = new MockProducer<>();
        OutboxRelay standby = new OutboxRelay(
                new OutboxProperties(true, 500, Duration.ofSeconds(1), Duration.ofMillis(200), 7262657, 5,
                        Duration.ofSeconds(1)),
                database.jdbcUrl(), database.username(), database.password(), () -> unused,
                new SchemaRegistry(Engines.shared().registry().url(), Duration.ofSeconds(5)), Topics.ANY,
                RelayInterceptor.NONE, new SimpleMeterRegistry());
        standby.start();
        try {
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !standby.isActive());
            assertThat(relay.isActive()).isTrue();

            relay.stop();
            await().atMost(Duration.ofSeconds(10)).until(standby::isActive);
        } finally {
            standby.stop();
            relay.start();
        }
        await().atMost(Duration.ofSeconds(10)).until(relay::isActive);
        String id = create("{\"first_name\": \"after takeover\"}");
        try (TopicProbe<Object> topic = TopicProbe.avro("customers.v1")) {
            assertThat(topic.awaitOne(TopicProbe.key(id)).value()).isInstanceOf(CustomerCreated.class);
        }
        assertThat(unused.history()).as("the standby published nothing while the other relay was active")
                .isEmpty();
    }
}
