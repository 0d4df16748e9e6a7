package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.test.management.ManagementSurface;
import io.masthead.test.spring.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/** webhook-service keeps its management endpoints off its public port (docs/design.md, "Management port"). */
class ManagementPortIntegrationTest extends WebhookIntegrationTestSupport {

    @LocalServerPort
    int publicPort;

    @Autowired
    Environment environment;

    @Test
    void thePublicPortServesNoManagementEndpointNeitherWithoutNorWithAToken() {
        ManagementSurface.assertPublicPortServesNoManagementEndpoint(web);
        ManagementSurface.assertPublicPortServesNoManagementEndpoint(web.mutate()
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(newSite())).build());
    }

    @Test
    void prometheusScrapesTheManagementPortOnLoopback() {
        WebTestClient management = ManagementSurface.loopback(managementPort());
        assertThat(ManagementSurface.scrape(management, "webhook-service"))
                .contains("webhooks_due_depth", "webhooks_inflight");
        ManagementSurface.assertManagementPortIsReadOnly(management);
        management.get().uri("/v1/webhook_endpoints")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(newSite())).exchange()
                .expectStatus().isNotFound();
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
