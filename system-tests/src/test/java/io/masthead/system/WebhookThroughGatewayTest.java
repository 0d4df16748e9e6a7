package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.masthead.test.platform.PlatformUnderTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A publisher registers a webhook endpoint through the gateway, creates a customer, and its server receives a
 * signed customer.created that verifies with the secret it was given; another site sees none of it.
 */
class WebhookThroughGatewayTest {

    record Received(String id, String timestamp, String signatures, byte[] body) {
    }

    @Test
    void aCustomerCreatedThroughTheGatewayArrivesSignedAtTheEndpoint() throws Exception {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        PlatformUnderTest.Site site = platform.createSite("Webhook publisher");
        WebTestClient api = Gateway.as(site.secretKey());

        LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(new Received(exchange.getRequestHeaders().getFirst("webhook-id"),
                    exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    exchange.getRequestHeaders().getFirst("webhook-signature"),
                    exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            Map<?, ?> endpoint = api.post().uri("/v1/webhook_endpoints")
                    .bodyValue("{\"url\": \"http://localhost:" + receiver.getAddress().getPort() + "/hook\", "
                            + "\"enabled_events\": [\"customer.created\"]}")
                    .exchange().expectStatus().isCreated()
                    .expectBody(Map.class).returnResult().getResponseBody();
            String secret = endpoint.get("secret").toString();
            assertThat(secret).startsWith("whsec_");

            String customer = api.post().uri("/v1/customers").bodyValue("{\"email\": \"hooked@example.com\"}")
                    .exchange().expectStatus().isCreated()
                    .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();

            Received delivery = received.poll(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(delivery).as("a webhook within 60 s").isNotNull();
            String body = new String(delivery.body(), StandardCharsets.UTF_8);
            assertThat(body).contains("\"type\":\"customer.created\"").contains(customer)
                    .contains("\"site_id\":\"" + site.id() + "\"");
            assertThat(delivery.id()).startsWith("evt_");
            assertThat(verifies(secret, delivery)).as("Standard Webhooks signature with the endpoint's secret")
                    .isTrue();

            // another site sees neither the endpoint nor its deliveries
            WebTestClient other = Gateway.as(platform.createSite("Someone else").secretKey());
            String endpointId = endpoint.get("id").toString();
            other.get().uri("/v1/webhook_endpoints/" + endpointId).exchange().expectStatus().isNotFound();
            other.get().uri("/v1/webhook_endpoints").exchange().expectStatus().isOk().expectBody(String.class)
                    .value(list -> assertThat(list).doesNotContain(endpointId));
            other.get().uri("/v1/webhook_deliveries").exchange().expectStatus().isOk().expectBody(String.class)
                    .value(list -> assertThat(list).doesNotContain(endpointId).doesNotContain(customer));
            api.get().uri("/v1/webhook_deliveries?endpoint_id=" + endpointId).exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.data.length()").isEqualTo(1);
        } finally {
            receiver.stop(0);
        }
    }

    /** v1,<base64 HMAC-SHA256 of "id.timestamp.body"> with the base64 key after "whsec_", any of several. */
    private static boolean verifies(String secret, Received delivery) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        mac.update((delivery.id() + "." + delivery.timestamp() + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(delivery.body());
        for (String signature : delivery.signatures().split(" ")) {
            if (signature.startsWith("v1,")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
                return true;
            }
        }
        return false;
    }
}
