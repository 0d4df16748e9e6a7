package io.masthead.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.test.management.ManagementSurface;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * customer-service keeps its management endpoints off its public port (docs/design.md, "Management port").
 * Same context as {@link CustomerApiIntegrationTest}.
 */
@MastheadIntegrationTest(database = "customers_api")
class ManagementPortIntegrationTest {

    @Autowired
    WebTestClient web;

    @LocalServerPort
    int publicPort;

    @Autowired
    Environment environment;

    @Test
    void thePublicPortServesNoManagementEndpointNeitherWithoutNorWithAToken() {
        ManagementSurface.assertPublicPortServesNoManagementEndpoint(web);
        ManagementSurface.assertPublicPortServesNoManagementEndpoint(web.mutate()
                .defaultHeader("Authorization", "Bearer " + TestTokens.admin("site_mgmt"))
                .build());
    }

    @Test
    void prometheusScrapesTheManagementPortOnLoopback() {
        web.post().uri("/v1/customers").header("Authorization", "Bearer " + TestTokens.admin("site_mgmt"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"email\": \"metrics@example.com\"}").exchange()
                .expectStatus().isCreated();
        WebTestClient management = ManagementSurface.loopback(managementPort());
        // the customer's event is published, and counted, soon after
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                ManagementSurface.scrape(management, "customer-service")).contains("masthead_outbox_backlog",
                        "masthead_outbox_oldest_age", "masthead_outbox_published_total{",
                        "masthead_outbox_publish_latency_seconds_bucket", "http_server_requests_seconds_count{"));
        ManagementSurface.assertManagementPortIsReadOnly(management);
        management.get().uri("/v1/customers").exchange().expectStatus().isNotFound();
        assertThat(managementPort()).isNotEqualTo(publicPort);
        ManagementSurface.assertListensOnLoopbackOnly(managementPort(), publicPort);
    }

    /**
     * The management port the context started on (what {@code @LocalManagementPort} injects), read when a test needs
     * it: the public-port checks run, and fail, on a service that has no management port at all.
     */
    private int managementPort() {
        return environment.getRequiredProperty("local.management.port", Integer.class);
    }
}
