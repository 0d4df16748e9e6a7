package io.masthead.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.platform.kafka.EventHeaders;
import io.masthead.platform.outbox.OutboxRelay;
import io.masthead.test.engines.DatabaseCoordinates;
import io.masthead.test.engines.Engines;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The events of one customer reach Kafka in the order their transactions committed, although the relay
 * publishes in outbox id order, with concurrent address creates, address updates and customer updates.
 *
 * <p>Why this fails without the lock on the customer: an outbox id is taken when the row is inserted, not when
 * its transaction commits. Transaction A (say an address create) inserts its event (id n) and is held before
 * its commit (a test trigger on the outbox waits on an advisory lock the test holds); transaction B (a customer
 * update) inserts its event (id n+1) and commits. If nothing serializes them, B commits first, then A; a relay
 * that reads both after they committed (here: stopped meanwhile, as a relay that is behind would be) publishes
 * A before B, against the commit order. With every event-emitting write locking the customer first, B waits
 * for A's commit before it takes its outbox id, so id order is commit order. The commit order is recorded by the
 * database itself: a deferred constraint trigger (it runs as each transaction commits) numbers the outbox rows.
 *
 * <p>Some pairs were serialized before by accident (an address insert's foreign-key check takes a key-share lock
 * on the customer, which a customer update's {@code FOR UPDATE} waited for); two address writes of one customer
 * were not, nor is anything once the customer update locks {@code FOR NO KEY UPDATE}: every pair is tried.
 */
@MastheadIntegrationTest(database = "customers_order")
class PerKeyOrderIntegrationTest {

    private static final String SITE = "site_order_" + UUID.randomUUID().toString().substring(0, 8);
    private static final long HOLD = 4_242_001L;
    private static final ExecutorService clients = Executors.newFixedThreadPool(8);
    private static TopicProbe<Object> topic;

    @Autowired
    WebTestClient web;

    @Autowired
    OutboxRelay relay;

    @BeforeAll
    static void openProbe() {
        topic = TopicProbe.avro("customers.v1");
    }

    @AfterAll
    static void close() {
        topic.close();
        clients.shutdownNow();
    }

    private static Connection jdbc() throws SQLException {
        DatabaseCoordinates db = Engines.shared().postgres().database("customers_order");
        return DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
    }

    private static void sql(Connection connection, String statement) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(statement);
        }
    }

    private static long count(Connection connection, String query) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Test-only triggers: one holds the transaction of a chosen event type before its commit, one records commits. */
    private static void installTriggers(Connection c) throws SQLException {
        sql(c, "CREATE TABLE IF NOT EXISTS test_hold (event_type TEXT NOT NULL)");
        sql(c, "CREATE TABLE IF NOT EXISTS test_commit_order (seq BIGSERIAL PRIMARY KEY, event_id UUID NOT NULL, "
                + "message_key TEXT NOT NULL)");
        sql(c, """
                CREATE OR REPLACE FUNCTION test_hold_outbox() RETURNS trigger AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM test_hold WHERE event_type = NEW.event_type) THEN
                        -- waits while the test holds the lock exclusively: between the outbox insert and the commit
                        PERFORM pg_advisory_xact_lock_shared(%d);
                    END IF;
                    RETURN NULL;
                END $$ LANGUAGE plpgsql""".formatted(HOLD));
        sql(c, """
                CREATE OR REPLACE FUNCTION test_record_commit() RETURNS trigger AS $$
                BEGIN
                    INSERT INTO test_commit_order (event_id, message_key) VALUES (NEW.event_id, NEW.message_key);
                    RETURN NULL;
                END $$ LANGUAGE plpgsql""");
        sql(c, "DROP TRIGGER IF EXISTS test_hold_outbox ON outbox");
        sql(c, "CREATE TRIGGER test_hold_outbox AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION test_hold_outbox()");
        sql(c, "DROP TRIGGER IF EXISTS test_record_commit ON outbox");
        sql(c, "CREATE CONSTRAINT TRIGGER test_record_commit AFTER INSERT ON outbox DEFERRABLE INITIALLY DEFERRED "
                + "FOR EACH ROW EXECUTE FUNCTION test_record_commit()");
    }

    private String bearer() {
        return "Bearer " + TestTokens.admin(SITE);
    }

    private String createCustomer() {
        return web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"first_name\": \"v0\"}").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private String createAddress(String customer, String line1) {
        return web.post().uri("/v1/customers/" + customer + "/addresses").header(HttpHeaders.AUTHORIZATION, bearer())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"type\": \"billing\", \"line1\": \"" + line1 + "\", \"country\": \"US\"}").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private String updateAddress(String address, String line1) {
        web.patch().uri("/v1/addresses/" + address).header(HttpHeaders.AUTHORIZATION, bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"line1\": \"" + line1 + "\"}").exchange()
                .expectStatus().isOk();
        return address;
    }

    private String rename(String customer, String name) {
        web.patch().uri("/v1/customers/" + customer).header(HttpHeaders.AUTHORIZATION, bearer())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"first_name\": \"" + name + "\"}").exchange()
                .expectStatus().isOk();
        return customer;
    }

    private static CompletableFuture<String> async(Supplier<String> call) {
        return CompletableFuture.supplyAsync(call, clients);
    }

    @Test
    void aHeldWriteAndAConcurrentOneOfTheSameCustomerArePublishedInCommitOrder() throws Exception {
        String customer = createCustomer();
        String address = createAddress(customer, "1 First St");
        topic.await(TopicProbe.key(customer), 2);
        try (Connection c = jdbc()) {
            installTriggers(c);
            // A is held between its outbox insert and its commit while B runs; each pair writes two events
            // of the customer, in both orders of kinds
            heldRound(c, customer, "address.created", () -> createAddress(customer, "2 Second St"),
                    () -> rename(customer, "v1"));
            heldRound(c, customer, "customer.updated", () -> rename(customer, "v2"),
                    () -> createAddress(customer, "3 Third St"));
            heldRound(c, customer, "address.updated", () -> updateAddress(address, "1 First Street"),
                    () -> createAddress(customer, "4 Fourth St"));
            heldRound(c, customer, "address.created", () -> createAddress(customer, "5 Fifth St"),
                    () -> createAddress(customer, "6 Sixth St"));
        }
    }

    private void heldRound(Connection c, String customer, String heldType, Supplier<String> held,
            Supplier<String> concurrent) throws Exception {
        sql(c, "TRUNCATE test_commit_order, test_hold");
        sql(c, "INSERT INTO test_hold (event_type) VALUES ('" + heldType + "')");
        relay.stop(); // a relay that reads only after both committed (as one that is behind would)
        try {
            sql(c, "SELECT pg_advisory_lock(" + HOLD + ")");
            CompletableFuture<String> a;
            CompletableFuture<String> b;
            try {
                a = async(held);
                await().atMost(Duration.ofSeconds(20)).until(() -> count(c,
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                + "AND wait_event_type = 'Lock' AND wait_event = 'advisory'") == 1);
                b = async(concurrent);
                // B either commits (nothing serializes it behind A) or waits for a row lock A holds
                await().atMost(Duration.ofSeconds(20)).until(() -> b.isDone() || count(c,
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                + "AND wait_event_type = 'Lock' AND wait_event IN ('transactionid', 'tuple')") > 0);
            } finally {
                sql(c, "SELECT pg_advisory_unlock(" + HOLD + ")");
            }
            a.get();
            b.get();
        } finally {
            relay.start();
        }
        assertPublishedInCommitOrder(c, customer, 2);
    }

    @Test
    void concurrentAddressCreatesAndCustomerUpdatesArePublishedInCommitOrder() throws Exception {
        String customer = createCustomer();
        topic.await(TopicProbe.key(customer), 1);
        try (Connection c = jdbc()) {
            installTriggers(c);
            sql(c, "TRUNCATE test_commit_order, test_hold");
            relay.stop();
            List<CompletableFuture<String>> writes = new ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) {
                    int n = i;
                    writes.add(async(() -> createAddress(customer, n + " Burst St")));
                    writes.add(async(() -> rename(customer, "burst " + n)));
                }
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get();
            } finally {
                relay.start();
            }
            assertPublishedInCommitOrder(c, customer, 24);
        }
    }

    private void assertPublishedInCommitOrder(Connection c, String customer, int events) throws SQLException {
        List<UUID> committed = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT event_id FROM test_commit_order WHERE message_key = '" + customer + "' ORDER BY seq")) {
            while (rs.next()) {
                committed.add(rs.getObject(1, UUID.class));
            }
        }
        assertThat(committed).hasSize(events);
        Set<UUID> ids = Set.copyOf(committed);
        List<ConsumerRecord<String, Object>> published = topic.await(
                r -> r.key().equals(customer) && ids.contains(EventHeaders.eventId(r)), events);
        assertThat(published.stream().map(EventHeaders::eventId).toList())
                .as("the customer's events on Kafka, against their commit order")
                .containsExactlyElementsOf(committed);
    }
}
