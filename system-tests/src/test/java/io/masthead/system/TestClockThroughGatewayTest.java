package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.masthead.test.platform.PlatformUnderTest;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A publisher advances its test-mode site's clock through the gateway: every service of the platform is moved
 * (each answers the gateway's clock calls), the clock becomes ready at the target, and test_clock.ready arrives as
 * a webhook. A customer created after the advance carries the site's simulated time.
 */
class TestClockThroughGatewayTest {

    @Test
    void anAdvanceMovesEveryServiceAndEndsWithATestClockReadyWebhook() throws Exception {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        WebTestClient api = Gateway.as(platform.createSite("Clock publisher").secretKey());

        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/clock", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            api.post().uri("/v1/webhook_endpoints")
                    .bodyValue("{\"url\": \"http://localhost:" + receiver.getAddress().getPort() + "/clock\", "
                            + "\"enabled_events\": [\"test_clock.ready\"]}")
                    .exchange().expectStatus().isCreated();

            Map<?, ?> accepted = api.post().uri("/v1/test_clock/advance").bodyValue("{\"by\": \"P30D\"}")
                    .exchange().expectStatus().isAccepted()
                    .expectBody(Map.class).returnResult().getResponseBody();
            Instant target = Instant.parse(accepted.get("advancing_to").toString());
            assertThat(target).isAfter(Instant.now().plus(Duration.ofDays(29)));

            String webhook = received.poll(Duration.ofSeconds(120).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(webhook).as("test_clock.ready within 120 s").isNotNull()
                    .contains("\"type\":\"test_clock.ready\"").contains("\"now\":\"" + target + "\"");

            api.get().uri("/v1/test_clock").exchange().expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo("ready")
                    .jsonPath("$.last_error").isEmpty();

            // after the advance, the site's time in customer-service is the simulated one
            Map<?, ?> customer = api.post().uri("/v1/customers").bodyValue("{\"email\": \"later@example.com\"}")
                    .exchange().expectStatus().isCreated()
                    .expectBody(Map.class).returnResult().getResponseBody();
            assertThat(Instant.parse(customer.get("created_at").toString()))
                    .isBetween(target, target.plus(Duration.ofMinutes(5)));
        } finally {
            receiver.stop(0);
        }
    }
}
