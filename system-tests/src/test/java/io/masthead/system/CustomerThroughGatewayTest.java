package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.customer.CustomerCreated;
import io.masthead.test.engines.Engines;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.platform.PlatformUnderTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** A publisher creates a customer with its secret key; the event is on Kafka, decodable through the registry. */
class CustomerThroughGatewayTest {

    @Test
    void createWithASecretKeyIs201AndCustomerCreatedArrivesOnTheTopic() throws Exception {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        PlatformUnderTest.Site site = platform.createSite("Daily Planet " + UUID.randomUUID());
        assertThat(site.secretKey()).startsWith("sk_test_");

        Map<?, ?> customer = Gateway.as(site.secretKey()).post().uri("/v1/customers")
                .bodyValue("{\"email\": \"perry@dailyplanet.example\", \"first_name\": \"Perry\", "
                        + "\"last_name\": \"White\", \"phone\": \"+1-514-123-4567\"}")
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().exists("X-Request-Id")
                .expectBody(Map.class).returnResult().getResponseBody();
        String id = customer.get("id").toString();

        try (TopicProbe<Object> topic = TopicProbe.avro("customers.v1")) {
            ConsumerRecord<String, Object> record = topic.awaitOne(TopicProbe.key(id));
            CustomerCreated event = (CustomerCreated) record.value();
            assertThat(event.getHeader().getEventType()).isEqualTo("customer.created");
            assertThat(event.getHeader().getSiteId()).isEqualTo(site.id());
            assertThat(event.getHeader().getLivemode()).isFalse();
            assertThat(event.getCustomer().getId()).isEqualTo(id);
            assertThat(event.getCustomer().getEmail()).isEqualTo("perry@dailyplanet.example");
            assertThat(event.getCustomer().getLastName()).isEqualTo("White");
        }

        // the Confluent wire format: magic byte 0, a 4-byte id the registry's Confluent API resolves
        try (TopicProbe<byte[]> raw = TopicProbe.raw("customers.v1")) {
            byte[] value = raw.awaitOne(TopicProbe.key(id)).value();
            assertThat(TopicProbe.isConfluentWireFormat(value)).isTrue();
            HttpResponse<String> schema = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    Engines.shared().registry().ccompatUrl() + "/schemas/ids/" + TopicProbe.schemaId(value))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(schema.statusCode()).isEqualTo(200);
            assertThat(schema.body()).contains("CustomerCreated").contains("EventHeader");
        }
    }

    @Test
    void withoutAValidKeyTheGatewayAnswers401WithAProblem() {
        Gateway.client().get().uri("/v1/customers").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer");
        Gateway.as("sk_test_" + "x".repeat(32)).get().uri("/v1/customers").exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void theDevSiteKeyWorksAndIdempotencyKeysAreHonouredThroughTheGateway() {
        String key = PlatformUnderTest.shared().devSiteKey();
        String idempotencyKey = UUID.randomUUID().toString();
        String body = "{\"email\": \"dev-" + idempotencyKey + "@example.com\"}";
        Map<?, ?> first = Gateway.as(key).post().uri("/v1/customers").header("Idempotency-Key", idempotencyKey)
                .bodyValue(body).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        Gateway.as(key).post().uri("/v1/customers").header("Idempotency-Key", idempotencyKey).bodyValue(body)
                .exchange().expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody(Map.class).value(replayed -> assertThat(replayed.get("id")).isEqualTo(first.get("id")));
    }
}
