package io.masthead.subscription.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.events.EventHeader;
import io.masthead.platform.clock.LocalClockParticipant;
import io.masthead.platform.clock.TestClockCoordinator;
import io.masthead.platform.time.SiteClocks;
import io.masthead.platform.time.SiteTime;
import io.masthead.subscription.customer.infrastructure.CustomerViewRepository;
import io.masthead.subscription.customer.model.AddressType;
import io.masthead.subscription.customer.model.KnownAddress;
import io.masthead.subscription.customer.model.KnownCustomer;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What the subscription integration and scenario tests share: one application (the same annotation, so one
 * cached context per JVM) on the real engines, a site of their own per test (its clock frozen at the start, so
 * only the test moves its time), catalog and customers, and the events of the site on {@code subscriptions.v1}.
 */
@MastheadIntegrationTest(database = "subscriptions_it")
public abstract class SubscriptionIntegrationSupport {

    protected static TopicProbe<Object> topic;

    @Autowired
    protected WebTestClient web;

    @Autowired
    protected DatabaseClient db;

    @Autowired
    protected CustomerViewRepository customerView;

    @Autowired
    protected SiteClocks siteClocks;

    @Autowired
    protected SiteTime siteTime;

    @Autowired
    protected LocalClockParticipant participant;

    /**
     * customer-service as this service sees it for a customer the view does not know: a real HTTP server that answers
     * 404 (a problem) for every customer and address, so an unknown id is refused as customer-service would refuse it.
     */
    private static final com.sun.net.httpserver.HttpServer CUSTOMER_SERVICE = unknownEverything();

    private static com.sun.net.httpserver.HttpServer unknownEverything() {
        try {
            var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("localhost", 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = ("{\"type\":\"urn:masthead:problem:not-found\",\"title\":\"Not found\","
                        + "\"status\":404}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                exchange.sendResponseHeaders(404, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @org.springframework.test.context.DynamicPropertySource
    static void customerServiceUrl(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("masthead.services.customer-service.uri",
                () -> "http://localhost:" + CUSTOMER_SERVICE.getAddress().getPort());
    }

    @BeforeAll
    static void openProbe() throws Exception {
        // customer-service creates customers.v1 in a real run; here nothing else does, and the test clock reads the
        // end offsets of every topic this service consumes
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers",
                io.masthead.test.engines.Engines.shared().kafka().bootstrapServers()))) {
            if (!admin.listTopics().names().get().contains("customers.v1")) {
                try {
                    admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("customers.v1", 12,
                            (short) 1))).all().get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        topic = TopicProbe.avro("subscriptions.v1");
    }

    @AfterAll
    static void closeProbe() {
        topic.close();
    }

    protected static String newSite() {
        return "site_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Freezes the site's time at the wall clock (rounded to the second) and returns it. */
    protected Instant freezeClock(String site) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        siteClocks.freeze(site, now).block();
        return siteTime.now(site, false).block();
    }

    /**
     * Moves the site's time to {@code to} through the test-clock protocol (every due item at its own time), then
     * holds it there (the protocol lets it run on from the target): returns the site's time, at which the test's
     * next requests happen.
     */
    protected Instant advance(String site, Instant to) {
        Instant from = siteTime.now(site, false).block();
        new TestClockCoordinator().advance(site, from, to, List.of(participant)).block(Duration.ofMinutes(5));
        siteClocks.freeze(site, to).block();
        return siteTime.now(site, false).block();
    }

    protected WebTestClient.RequestBodySpec post(String site, String path) {
        return web.post().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(site))
                .contentType(MediaType.APPLICATION_JSON);
    }

    protected WebTestClient.RequestBodySpec patch(String site, String path) {
        return web.patch().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(site))
                .contentType(MediaType.APPLICATION_JSON);
    }

    protected WebTestClient.RequestHeadersSpec<?> get(String site, String path) {
        return web.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(site));
    }

    @SuppressWarnings("unchecked")
    protected Map<String, Object> created(WebTestClient.RequestHeadersSpec<?> request) {
        return request.exchange().expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody();
    }

    protected String product(String site, boolean addressRequired) {
        return created(post(site, "/v1/products").bodyValue(Map.of("name", "Daily Planet",
                "address_required", addressRequired))).get("id").toString();
    }

    /** A plan of a new product: amount in cents, interval, count, auto_renew, shipments, type, trial days. */
    protected String plan(String site, long amount, String interval, int count, boolean autoRenew, int shipments,
            String type, Integer trialDays, boolean addressRequired) {
        String product = product(site, addressRequired);
        Map<String, Object> body = new java.util.HashMap<>(Map.of("product", product, "nickname", interval + " plan",
                "amount", amount, "currency", "usd", "interval", interval, "interval_count", count,
                "auto_renew", autoRenew, "available_online", true, "shipments_per_interval", shipments,
                "type", type));
        body.put("revenue_recognition_type", "time_based");
        if (trialDays != null) {
            body.put("trial_period_days", trialDays);
        }
        return created(post(site, "/v1/plans").bodyValue(body)).get("id").toString();
    }

    protected String monthlyPlan(String site) {
        return plan(site, 1_500, "month", 1, true, 1, "regular", null, false);
    }

    /** A customer in this service's customer view (as customers.v1 would have brought it). */
    protected String customer(String site, String firstName, String email) {
        String id = io.masthead.platform.id.Ids.next("cus", java.time.Clock.systemUTC());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        customerView.upsertCustomer(new KnownCustomer(id, site, null, email, firstName, "Tester", "+1 514 555 0199",
                null, null, now, now)).block();
        return id;
    }

    protected String address(String site, String customer, AddressType type, String company) {
        String id = io.masthead.platform.id.Ids.next("adr", java.time.Clock.systemUTC());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        customerView.upsertAddress(new KnownAddress(id, site, customer, type, "Ann", "Tester", company, "Accounting",
                "1 Main St", null, "Montreal", "QC", "H3H1H1", "CA", null, now, now)).block();
        return id;
    }

    protected Map<String, Object> subscribe(String site, Map<String, Object> body) {
        return created(post(site, "/v1/subscriptions").bodyValue(body));
    }

    protected long rows(String site, String table) {
        return db.sql("SELECT count(*) AS n FROM " + table + " WHERE site_id = :site").bind("site", site)
                .map(row -> row.get("n", Long.class)).one().block();
    }

    // ---- events --------------------------------------------------------------------------------------------

    protected static EventHeader header(Object value) {
        SpecificRecord r = (SpecificRecord) value;
        return (EventHeader) r.get(r.getSchema().getField("header").pos());
    }

    protected static io.masthead.events.subscription.Subscription snapshot(Object value) {
        SpecificRecord r = (SpecificRecord) value;
        org.apache.avro.Schema.Field field = r.getSchema().getField("subscription");
        return field == null ? null : (io.masthead.events.subscription.Subscription) r.get(field.pos());
    }

    protected static boolean isSubscriptionEvent(ConsumerRecord<String, Object> record, String subscriptionId) {
        var s = snapshot(record.value());
        return s != null && s.getId().equals(subscriptionId);
    }

    /**
     * Every event of the site published so far: waits until the site has no unpublished outbox row (the relay
     * deletes a row once Kafka acknowledged it), then reads the topic to its end offsets of that moment.
     */
    protected List<ConsumerRecord<String, Object>> everythingPublished(String site) {
        await().atMost(Duration.ofSeconds(60)).until(() -> siteClocks.outboxPending(site).block() == 0);
        return topic.readToEnd().stream().filter(r -> header(r.value()).getSiteId().equals(site)).toList();
    }

    /** The event types of one subscription, in topic order (one key, one partition), once all are published. */
    protected List<String> eventTypes(String site, String subscriptionId) {
        return everythingPublished(site).stream().filter(r -> isSubscriptionEvent(r, subscriptionId))
                .map(r -> header(r.value()).getEventType()).toList();
    }

    protected List<ConsumerRecord<String, Object>> events(String site, String subscriptionId) {
        return everythingPublished(site).stream().filter(r -> isSubscriptionEvent(r, subscriptionId)).toList();
    }

    protected static void assertProblem(WebTestClient.ResponseSpec response, int status, String field) {
        response.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[?(@.field == '" + field + "')]").exists();
    }

    protected static void assertThatNoneOf(List<ConsumerRecord<String, Object>> records, String type) {
        assertThat(records).noneMatch(r -> header(r.value()).getEventType().equals(type));
    }
}
