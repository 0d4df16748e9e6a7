package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.masthead.events.subscription.PlanCreated;
import io.masthead.events.subscription.ProductCreated;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.platform.PlatformUnderTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A publisher builds its catalog through the gateway (subscription-service behind it): a product and a monthly plan,
 * read back, archive refused while the plan is active, both exports; the events are on subscriptions.v1 and
 * delivered as webhooks; another site sees and changes none of it.
 */
class CatalogThroughGatewayTest {

    @Test
    void aProductAndAMonthlyPlanThroughTheGateway() throws Exception {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        PlatformUnderTest.Site site = platform.createSite("Catalog publisher " + UUID.randomUUID());
        WebTestClient api = Gateway.as(site.secretKey());

        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (TopicProbe<Object> topic = TopicProbe.avro("subscriptions.v1")) {
            api.post().uri("/v1/webhook_endpoints").bodyValue("{\"url\": \"http://localhost:"
                            + receiver.getAddress().getPort() + "/hook\", \"enabled_events\": [\"product.*\", "
                            + "\"plan.*\"]}")
                    .exchange().expectStatus().isCreated();

            Map<?, ?> product = api.post().uri("/v1/products").bodyValue("""
                    {"name": "Print & Digital", "address_required": true, "old_provider_id": "PR1236"}""")
                    .exchange().expectStatus().isCreated()
                    .expectHeader().exists("X-Request-Id")
                    .expectBody(Map.class).returnResult().getResponseBody();
            String productId = product.get("id").toString();
            assertThat(productId).startsWith("prd_");
            Map<?, ?> plan = api.post().uri("/v1/plans").bodyValue("""
                    {"product": "%s", "nickname": "Monthly", "amount": 1900, "currency": "usd",
                     "interval": "month", "shipments_per_interval": 4}""".formatted(productId))
                    .exchange().expectStatus().isCreated()
                    .expectBody(Map.class).returnResult().getResponseBody();
            String planId = plan.get("id").toString();

            api.get().uri("/v1/products/" + productId).exchange().expectStatus().isOk().expectBody(Map.class)
                    .isEqualTo(product);
            api.get().uri("/v1/plans?product=" + productId).exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.data.length()").isEqualTo(1).jsonPath("$.data[0].id").isEqualTo(planId)
                    .jsonPath("$.data[0].interval").isEqualTo("month")
                    .jsonPath("$.data[0].interval_count").isEqualTo(1);

            api.post().uri("/v1/products/" + productId + "/archive").exchange().expectStatus().isEqualTo(409)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("1 active plan"));

            api.get().uri("/v1/products/export").exchange().expectStatus().isOk()
                    .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/csv"))
                    .expectBody(String.class).value(csv -> {
                        assertThat(csv.split("\r\n")).hasSize(2);
                        assertThat(csv.split("\r\n")[1]).startsWith(productId + ",Print & Digital,");
                    });
            api.get().uri("/v1/plans/export").exchange().expectStatus().isOk()
                    .expectBody(String.class).value(csv -> {
                        assertThat(csv.split("\r\n")).hasSize(2);
                        assertThat(csv.split("\r\n")[1]).startsWith(planId + "," + productId
                                + ",Monthly,,1900,usd,month,1,");
                    });

            List<ConsumerRecord<String, Object>> events = topic.await(TopicProbe.key(productId), 2);
            assertThat(events.get(0).value()).isInstanceOfSatisfying(ProductCreated.class, e -> {
                assertThat(e.getHeader().getSiteId()).isEqualTo(site.id());
                assertThat(e.getHeader().getLivemode()).isFalse();
                assertThat(e.getProduct().getOldProviderId()).isEqualTo("PR1236");
            });
            assertThat(events.get(1).value()).isInstanceOfSatisfying(PlanCreated.class,
                    e -> assertThat(e.getPlan().getAmount()).isEqualTo(1900L));

            // webhook-service consumes subscriptions.v1: both events arrive at the endpoint
            String first = received.poll(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS);
            String second = received.poll(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(first).as("product.created as a webhook within 60 s").isNotNull()
                    .contains("\"type\":\"product.created\"").contains(productId);
            assertThat(second).as("plan.created as a webhook within 60 s").isNotNull()
                    .contains("\"type\":\"plan.created\"").contains(planId);

            // another site can neither see nor change any of it
            WebTestClient other = Gateway.as(platform.createSite("Catalog outsider " + UUID.randomUUID()).secretKey());
            other.get().uri("/v1/products/" + productId).exchange().expectStatus().isNotFound();
            other.get().uri("/v1/plans/" + planId).exchange().expectStatus().isNotFound();
            other.patch().uri("/v1/plans/" + planId).bodyValue("{\"amount\": 1}").exchange().expectStatus().isNotFound();
            other.post().uri("/v1/products/" + productId + "/archive").exchange().expectStatus().isNotFound();
            other.delete().uri("/v1/plans/" + planId).exchange().expectStatus().isNotFound();
            other.get().uri("/v1/products").exchange().expectStatus().isOk().expectBody(String.class)
                    .value(list -> assertThat(list).doesNotContain(productId));
            other.get().uri("/v1/plans/export").exchange().expectStatus().isOk().expectBody(String.class)
                    .value(csv -> assertThat(csv).doesNotContain(planId));
            other.post().uri("/v1/plans").bodyValue("{\"product\": \"" + productId + "\", \"nickname\": \"x\", "
                    + "\"amount\": 1, \"currency\": \"usd\", \"interval\": \"day\"}").exchange()
                    .expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("product");
            api.get().uri("/v1/plans/" + planId).exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.amount").isEqualTo(1900);
        } finally {
            receiver.stop(0);
        }
    }
}
