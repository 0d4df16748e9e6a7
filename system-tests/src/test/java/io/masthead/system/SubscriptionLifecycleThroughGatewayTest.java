package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.masthead.events.EventHeader;
import io.masthead.events.site.TestClockReady;
import io.masthead.events.subscription.SubscriptionCanceled;
import io.masthead.events.subscription.SubscriptionCreated;
import io.masthead.events.subscription.SubscriptionRenewed;
import io.masthead.events.subscription.SubscriptionUpdated;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.platform.PlatformUnderTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Subscriptions through the gateway, every service its own process: a subscription created in the request right
 * after its customer's, renewed when the site's test clock is advanced a month (on subscriptions.v1 and as signed
 * webhooks, at the simulated time, then test_clock.ready), cancel now versus at period end, the exact events of a
 * three-month advance, bulk cancellation with a dry run first, and another site that sees none of it.
 */
class SubscriptionLifecycleThroughGatewayTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration CLOCK_TIMEOUT = Duration.ofSeconds(180);

    @Test
    void aSubscriptionCreatedRightAfterItsCustomerRenewsWhenTheClockAdvancesAMonth() throws Exception {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        PlatformUnderTest.Site site = platform.createSite("Subscription publisher " + UUID.randomUUID());
        WebTestClient api = Gateway.as(site.secretKey());
        try (Receiver receiver = Receiver.start();
             TopicProbe<Object> subscriptions = TopicProbe.avro("subscriptions.v1");
             TopicProbe<Object> sites = TopicProbe.avro("sites.v1")) {
            String secret = receiver.endpoint(api, "\"subscription.*\", \"test_clock.ready\"");
            String plan = monthlyPlan(api);

            String customer = customer(api, "renewing@example.com");
            // the very next request: subscription-service's read model may not have the customer yet
            Map<?, ?> created = api.post().uri("/v1/subscriptions")
                    .bodyValue("{\"customer\": \"" + customer + "\", \"plan\": \"" + plan + "\"}")
                    .exchange().expectStatus().isCreated()
                    .expectBody(Map.class).returnResult().getResponseBody();
            String id = created.get("id").toString();
            assertThat(id).startsWith("sub_");
            assertThat(created.get("status")).isEqualTo("active");
            Instant anchor = Instant.parse(created.get("billing_cycle_anchor").toString());
            Instant firstEnd = Instant.parse(created.get("current_period_end").toString());
            assertThat(firstEnd).isEqualTo(plusMonths(anchor, 1));
            assertThat(created.get("renews_at")).isEqualTo(firstEnd.toString());

            Delivery createdHook = receiver.next();
            assertThat(createdHook.json().path("type").asString()).isEqualTo("subscription.created");
            assertThat(createdHook.json().path("data").path("object").path("id").asString()).isEqualTo(id);
            assertThat(createdHook.verifies(secret)).as("signed with the endpoint's secret").isTrue();

            Instant target = advance(api, "{\"by\": \"P1M\"}");
            assertThat(target).isAfterOrEqualTo(firstEnd);
            awaitReady(api, target);

            List<ConsumerRecord<String, Object>> events = subscriptions.await(TopicProbe.key(customer), 2);
            assertThat(events.get(0).value()).isInstanceOf(SubscriptionCreated.class);
            assertThat(events.get(1).value()).isInstanceOfSatisfying(SubscriptionRenewed.class, e -> {
                assertThat(e.getHeader().getSiteId()).isEqualTo(site.id());
                assertThat(e.getHeader().getOccurredAt()).as("simulated time: the period's end").isEqualTo(firstEnd);
                assertThat(e.getPreviousPeriodEnd()).isEqualTo(firstEnd);
                assertThat(e.getSubscription().getCurrentPeriodStart()).isEqualTo(firstEnd);
                assertThat(e.getSubscription().getCurrentPeriodEnd()).isEqualTo(plusMonths(anchor, 2));
                assertThat(e.getSubscription().getRenewsAt()).isEqualTo(plusMonths(anchor, 2));
                assertThat(e.getSubscription().getStatus()).isEqualTo("active");
            });
            ConsumerRecord<String, Object> ready = sites.awaitOne(r -> site.id().equals(r.key())
                    && r.value() instanceof TestClockReady, CLOCK_TIMEOUT);
            assertThat(((TestClockReady) ready.value()).getTestClock().getNow()).isEqualTo(target);

            Delivery renewedHook = receiver.next();
            assertThat(renewedHook.json().path("type").asString()).isEqualTo("subscription.renewed");
            assertThat(renewedHook.verifies(secret)).isTrue();
            assertThat(renewedHook.json().path("created").asString()).isEqualTo(firstEnd.toString());
            JsonNode object = renewedHook.json().path("data").path("object");
            assertThat(object.path("id").asString()).isEqualTo(id);
            assertThat(object.path("current_period_start").asString()).isEqualTo(firstEnd.toString());
            assertThat(object.path("current_period_end").asString()).isEqualTo(plusMonths(anchor, 2).toString());
            Delivery readyHook = receiver.next();
            assertThat(readyHook.json().path("type").asString()).isEqualTo("test_clock.ready");
            assertThat(readyHook.verifies(secret)).isTrue();
            assertThat(readyHook.body()).contains("\"now\":\"" + target + "\"");

            api.get().uri("/v1/subscriptions/" + id).exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.current_period_start").isEqualTo(firstEnd.toString())
                    .jsonPath("$.current_period_end").isEqualTo(plusMonths(anchor, 2).toString());
        }
    }

    @Test
    void cancelNowEndsItAtOnceCancelAtPeriodEndRunsToThePeriodsEnd() throws Exception {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        PlatformUnderTest.Site site = platform.createSite("Cancelling publisher " + UUID.randomUUID());
        WebTestClient api = Gateway.as(site.secretKey());
        try (TopicProbe<Object> subscriptions = TopicProbe.avro("subscriptions.v1")) {
            String plan = monthlyPlan(api);
            String nowCustomer = customer(api, "now@example.com");
            String laterCustomer = customer(api, "later@example.com");
            String now = subscribe(api, nowCustomer, plan);
            Map<?, ?> later = subscribeFully(api, laterCustomer, plan);
            Instant periodEnd = Instant.parse(later.get("current_period_end").toString());

            api.post().uri("/v1/subscriptions/" + now + "/cancel").bodyValue("{\"at_period_end\": false}")
                    .exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.status").isEqualTo("canceled")
                    .jsonPath("$.ended_at").isNotEmpty()
                    .jsonPath("$.renews_at").doesNotExist();
            api.post().uri("/v1/subscriptions/" + later.get("id") + "/cancel").bodyValue("{\"at_period_end\": true}")
                    .exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.status").isEqualTo("active")
                    .jsonPath("$.cancel_at_period_end").isEqualTo(true)
                    .jsonPath("$.expires_at").isEqualTo(periodEnd.toString())
                    .jsonPath("$.renews_at").doesNotExist();
            // a canceled subscription cannot be canceled again
            api.post().uri("/v1/subscriptions/" + now + "/cancel").bodyValue("{}").exchange()
                    .expectStatus().isEqualTo(409);

            Instant target = advance(api, "{\"by\": \"P1M\"}");
            awaitReady(api, target);

            api.get().uri("/v1/subscriptions/" + later.get("id")).exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.status").isEqualTo("canceled")
                    .jsonPath("$.ended_at").isEqualTo(periodEnd.toString());
            // the clock is ready: every event of the advance is on the topic, so reading to its end is complete
            List<ConsumerRecord<String, Object>> all = subscriptions.readToEnd(Duration.ofSeconds(60));
            assertThat(types(all, nowCustomer)).containsExactly("subscription.created", "subscription.canceled");
            assertThat(types(all, laterCustomer)).containsExactly("subscription.created", "subscription.updated",
                    "subscription.canceled");
            SubscriptionCanceled atEnd = (SubscriptionCanceled) ofCustomer(all, laterCustomer).getLast().value();
            assertThat(atEnd.getHeader().getOccurredAt()).isEqualTo(periodEnd);
            assertThat(atEnd.getSubscription().getStatus()).isEqualTo("canceled");
            assertThat(ofCustomer(all, laterCustomer).get(1).value()).isInstanceOfSatisfying(SubscriptionUpdated.class,
                    e -> assertThat(e.getSubscription().getCancelAtPeriodEnd()).isTrue());
        }
    }

    @Test
    void threeMonthsAdvancedAtOnceGiveExactlyThreeRenewalsEachAtItsPeriodsEnd() throws Exception {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        PlatformUnderTest.Site site = platform.createSite("Three months " + UUID.randomUUID());
        WebTestClient api = Gateway.as(site.secretKey());
        try (TopicProbe<Object> subscriptions = TopicProbe.avro("subscriptions.v1");
             TopicProbe<Object> sites = TopicProbe.avro("sites.v1")) {
            String plan = monthlyPlan(api);
            String customer = customer(api, "quarter@example.com");
            Map<?, ?> created = subscribeFully(api, customer, plan);
            Instant anchor = Instant.parse(created.get("billing_cycle_anchor").toString());

            Instant target = advance(api, "{\"by\": \"P3M\"}");
            awaitReady(api, target);
            sites.awaitOne(r -> site.id().equals(r.key()) && r.value() instanceof TestClockReady, CLOCK_TIMEOUT);

            List<ConsumerRecord<String, Object>> all = subscriptions.readToEnd(Duration.ofSeconds(60));
            assertThat(types(all, customer)).containsExactly("subscription.created", "subscription.renewed",
                    "subscription.renewed", "subscription.renewed");
            List<ConsumerRecord<String, Object>> mine = ofCustomer(all, customer);
            for (int n = 1; n <= 3; n++) {
                SubscriptionRenewed renewed = (SubscriptionRenewed) mine.get(n).value();
                Instant boundary = plusMonths(anchor, n);
                assertThat(renewed.getHeader().getOccurredAt()).as("renewal %d at its simulated time", n)
                        .isEqualTo(boundary);
                assertThat(renewed.getPreviousPeriodStart()).isEqualTo(plusMonths(anchor, n - 1));
                assertThat(renewed.getPreviousPeriodEnd()).isEqualTo(boundary);
                assertThat(renewed.getSubscription().getCurrentPeriodStart()).isEqualTo(boundary);
                assertThat(renewed.getSubscription().getCurrentPeriodEnd()).isEqualTo(plusMonths(anchor, n + 1));
            }
            assertThat(sites.readToEnd(Duration.ofSeconds(30)).stream()
                    .filter(r -> site.id().equals(r.key()) && r.value() instanceof TestClockReady))
                    .as("one test_clock.ready for one advance").hasSize(1);
        }
    }

    @Test
    void anotherSitesKeyFindsNoneOfTheSubscriptionsAndChangesNothing() {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        WebTestClient owner = Gateway.as(platform.createSite("Subscription owner " + UUID.randomUUID()).secretKey());
        WebTestClient outsider = Gateway.as(platform.createSite("Outsider " + UUID.randomUUID()).secretKey());
        String marker = "iso" + UUID.randomUUID().toString().substring(0, 8);
        String plan = monthlyPlan(owner);
        String otherPlan = monthlyPlan(owner);
        String customer = customer(owner, marker + "@example.com");
        String id = subscribe(owner, customer, plan);
        String bulk = owner.post().uri("/v1/bulk_cancellations")
                .bodyValue("{\"scope\": {\"plan\": \"" + plan + "\"}, \"effective\": \"immediately\", \"dry_run\": true}")
                .exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        String outsidersPlan = monthlyPlan(outsider);
        String outsidersCustomer = customer(outsider, "outsider@example.com");

        outsider.get().uri("/v1/subscriptions/" + id).exchange().expectStatus().isNotFound();
        outsider.patch().uri("/v1/subscriptions/" + id).bodyValue("{\"auto_renew\": false}").exchange()
                .expectStatus().isNotFound();
        outsider.post().uri("/v1/subscriptions/" + id + "/cancel").bodyValue("{}").exchange()
                .expectStatus().isNotFound();
        outsider.post().uri("/v1/subscriptions/" + id + "/change_plan").bodyValue("{\"plan\": \"" + outsidersPlan
                + "\"}").exchange().expectStatus().isNotFound();
        outsider.post().uri("/v1/subscriptions/" + id + "/renew").bodyValue("{}").exchange()
                .expectStatus().isNotFound();
        outsider.get().uri("/v1/bulk_cancellations/" + bulk).exchange().expectStatus().isNotFound();
        outsider.get().uri("/v1/subscriptions?limit=100").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(0);
        outsider.get().uri("/v1/subscriptions?customer=" + customer).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(0);
        outsider.get().uri("/v1/subscriptions?plan=" + plan).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(0);
        outsider.get().uri("/v1/subscriptions/search?query=" + marker).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(0);
        outsider.get().uri("/v1/subscriptions/export").exchange().expectStatus().isOk().expectBody(String.class)
                .value(csv -> assertThat(csv.split("\r\n")).hasSize(1));
        // the owner's customer and plan are unknown to the outsider
        outsider.post().uri("/v1/subscriptions").bodyValue("{\"customer\": \"" + customer + "\", \"plan\": \""
                        + outsidersPlan + "\"}").exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("customer");
        outsider.post().uri("/v1/subscriptions").bodyValue("{\"customer\": \"" + outsidersCustomer + "\", \"plan\": \""
                        + plan + "\"}").exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("plan");
        // the owner's plan is unknown to the outsider: refused on the plan, as for an unknown subscription id
        outsider.post().uri("/v1/subscriptions/" + id + "/change_plan").bodyValue("{\"plan\": \"" + otherPlan + "\"}")
                .exchange().expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("plan");
        // a bulk cancellation of the outsider scoped to the owner's plan matches nothing of the owner's
        String outsidersBulk = outsider.post().uri("/v1/bulk_cancellations")
                .bodyValue("{\"scope\": {\"plan\": \"" + plan + "\"}, \"effective\": \"immediately\"}")
                .exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        Map<?, ?> done = awaitJob(outsider, outsidersBulk);
        assertThat(((Number) done.get("matched")).longValue()).isZero();
        assertThat(((Number) done.get("canceled")).longValue()).isZero();

        owner.get().uri("/v1/subscriptions/" + id).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.status").isEqualTo("active")
                .jsonPath("$.auto_renew").isEqualTo(true)
                .jsonPath("$.plan").isEqualTo(plan);
        owner.get().uri("/v1/subscriptions/search?query=" + marker).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(1);
        owner.get().uri("/v1/bulk_cancellations/" + bulk).exchange().expectStatus().isOk();
    }

    @Test
    void aBulkCancellationDryRunFirstThenForReal() {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        PlatformUnderTest.Site site = platform.createSite("Offboarding publisher " + UUID.randomUUID());
        WebTestClient api = Gateway.as(site.secretKey());
        try (TopicProbe<Object> subscriptions = TopicProbe.avro("subscriptions.v1")) {
            String plan = monthlyPlan(api);
            String kept = monthlyPlan(api);
            List<String> customers = IntStream.range(0, 6).mapToObj(i -> customer(api, "leaving" + i + "@example.com"))
                    .toList();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 36; i++) {
                ids.add(subscribe(api, customers.get(i % customers.size()), plan));
            }
            List<String> others = IntStream.range(0, 3).mapToObj(i -> subscribe(api, customers.get(i), kept)).toList();

            String dry = api.post().uri("/v1/bulk_cancellations")
                    .bodyValue("{\"scope\": {\"plan\": \"" + plan + "\"}, \"effective\": \"immediately\", "
                            + "\"dry_run\": true}")
                    .exchange().expectStatus().isAccepted().expectHeader().exists("Location")
                    .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
            Map<?, ?> dryDone = awaitJob(api, dry);
            assertThat(dryDone.get("status")).isEqualTo("succeeded");
            assertThat(((Number) dryDone.get("matched")).longValue()).isEqualTo(36);
            assertThat(((Number) dryDone.get("canceled")).longValue()).as("would be canceled").isEqualTo(36);
            assertThat(((Map<?, ?>) dryDone.get("report")).get("would_cancel")).isEqualTo(36);
            api.get().uri("/v1/subscriptions?status=active&limit=100").exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.data.length()").isEqualTo(39);

            String run = api.post().uri("/v1/bulk_cancellations")
                    .bodyValue("{\"scope\": {\"plan\": \"" + plan + "\"}, \"effective\": \"immediately\"}")
                    .exchange().expectStatus().isAccepted()
                    .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
            Map<?, ?> done = awaitJob(api, run);
            assertThat(done.get("status")).isEqualTo("succeeded");
            assertThat(((Number) done.get("matched")).longValue()).isEqualTo(36);
            assertThat(((Number) done.get("canceled")).longValue()).isEqualTo(36);

            api.get().uri("/v1/subscriptions?status=canceled&limit=100").exchange().expectStatus().isOk()
                    .expectBody(String.class).value(list -> ids.forEach(id -> assertThat(list).contains(id)));
            api.get().uri("/v1/subscriptions?status=active&limit=100").exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.data.length()").isEqualTo(3)
                    .jsonPath("$.data[*].id").value(found -> assertThat(found.toString())
                            .contains(others.get(0)).contains(others.get(1)).contains(others.get(2)));

            List<ConsumerRecord<String, Object>> canceled = subscriptions.await(r -> r.value()
                    instanceof SubscriptionCanceled c && c.getHeader().getSiteId().equals(site.id()), 36);
            assertThat(canceled.stream().map(r -> ((SubscriptionCanceled) r.value()).getSubscription().getId())
                    .distinct()).containsExactlyInAnyOrderElementsOf(ids);

            // a re-run cancels nothing twice
            String again = api.post().uri("/v1/bulk_cancellations")
                    .bodyValue("{\"scope\": {\"plan\": \"" + plan + "\"}, \"effective\": \"immediately\"}")
                    .exchange().expectStatus().isAccepted()
                    .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
            assertThat(((Number) awaitJob(api, again).get("canceled")).longValue()).isZero();
            List<ConsumerRecord<String, Object>> everything = subscriptions.readToEnd(Duration.ofSeconds(60));
            assertThat(everything.stream().filter(r -> r.value() instanceof SubscriptionCanceled c
                    && c.getHeader().getSiteId().equals(site.id()))).hasSize(36);
        }
    }

    // --- helpers ---

    private static Instant plusMonths(Instant anchor, int months) {
        return anchor.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    private static String monthlyPlan(WebTestClient api) {
        String product = api.post().uri("/v1/products").bodyValue("{\"name\": \"The Daily\"}")
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        return api.post().uri("/v1/plans").bodyValue("""
                        {"product": "%s", "nickname": "Monthly", "amount": 1500, "currency": "usd",
                         "interval": "month"}""".formatted(product))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private static String customer(WebTestClient api, String email) {
        return api.post().uri("/v1/customers").bodyValue("{\"email\": \"" + email + "\"}")
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private static Map<?, ?> subscribeFully(WebTestClient api, String customer, String plan) {
        return api.post().uri("/v1/subscriptions")
                .bodyValue("{\"customer\": \"" + customer + "\", \"plan\": \"" + plan + "\"}")
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    private static String subscribe(WebTestClient api, String customer, String plan) {
        return subscribeFully(api, customer, plan).get("id").toString();
    }

    private static Instant advance(WebTestClient api, String body) {
        Map<?, ?> accepted = api.post().uri("/v1/test_clock/advance").bodyValue(body)
                .exchange().expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        return Instant.parse(accepted.get("advancing_to").toString());
    }

    /** Polls the clock until it is ready at the target (the advance runs in the background). */
    private static void awaitReady(WebTestClient api, Instant target) {
        Awaitility.await("the test clock ready at " + target).atMost(CLOCK_TIMEOUT)
                .pollInterval(Duration.ofMillis(250)).until(() -> {
                    Map<?, ?> clock = api.get().uri("/v1/test_clock").exchange().expectStatus().isOk()
                            .expectBody(Map.class).returnResult().getResponseBody();
                    return "ready".equals(clock.get("status"))
                            && !Instant.parse(clock.get("now").toString()).isBefore(target);
                });
    }

    private static Map<?, ?> awaitJob(WebTestClient api, String job) {
        return Awaitility.await("bulk cancellation " + job + " done").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> api.get().uri("/v1/bulk_cancellations/" + job).exchange().expectStatus().isOk()
                                .expectBody(Map.class).returnResult().getResponseBody(),
                        j -> "succeeded".equals(j.get("status")) || "failed".equals(j.get("status")));
    }

    private static List<ConsumerRecord<String, Object>> ofCustomer(List<ConsumerRecord<String, Object>> records,
            String customer) {
        return records.stream().filter(r -> customer.equals(r.key()) && r.value() instanceof SpecificRecord).toList();
    }

    private static List<String> types(List<ConsumerRecord<String, Object>> records, String customer) {
        return ofCustomer(records, customer).stream().map(r -> header(r.value()).getEventType()).toList();
    }

    private static EventHeader header(Object event) {
        return (EventHeader) ((SpecificRecord) event).get(((SpecificRecord) event).getSchema().getField("header").pos());
    }

    /** A webhook as received: the Standard Webhooks headers and the raw body. */
    record Delivery(String id, String timestamp, String signatures, byte[] raw) {

        String body() {
            return new String(raw, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            return JSON.readTree(raw);
        }

        /** v1,<base64 HMAC-SHA256 of "id.timestamp.body"> with the base64 key after "whsec_", any of several. */
        boolean verifies(String secret) throws Exception {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] expected = mac.doFinal(raw);
            for (String signature : signatures.split(" ")) {
                if (signature.startsWith("v1,")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The publisher's webhook server. */
    static final class Receiver implements AutoCloseable {

        private final HttpServer server;
        private final LinkedBlockingQueue<Delivery> received = new LinkedBlockingQueue<>();

        private Receiver(HttpServer server) {
            this.server = server;
        }

        static Receiver start() throws Exception {
            Receiver receiver = new Receiver(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
            receiver.server.createContext("/hook", exchange -> {
                receiver.received.add(new Delivery(exchange.getRequestHeaders().getFirst("webhook-id"),
                        exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                        exchange.getRequestHeaders().getFirst("webhook-signature"),
                        exchange.getRequestBody().readAllBytes()));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            receiver.server.start();
            return receiver;
        }

        /** Registers this server for the events; returns the endpoint's signing secret. */
        String endpoint(WebTestClient api, String events) {
            Map<?, ?> endpoint = api.post().uri("/v1/webhook_endpoints")
                    .bodyValue("{\"url\": \"http://localhost:" + server.getAddress().getPort() + "/hook\", "
                            + "\"enabled_events\": [" + events + "]}")
                    .exchange().expectStatus().isCreated()
                    .expectBody(Map.class).returnResult().getResponseBody();
            return endpoint.get("secret").toString();
        }

        Delivery next() throws InterruptedException {
            Delivery delivery = received.poll(CLOCK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(delivery).as("a webhook within " + CLOCK_TIMEOUT).isNotNull();
            return delivery;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
