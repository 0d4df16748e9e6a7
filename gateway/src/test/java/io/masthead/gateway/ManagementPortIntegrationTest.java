package io.masthead.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.gateway.site.application.SiteService;
import io.masthead.gateway.site.model.SiteMode;
import io.masthead.platform.security.PemKeys;
import io.masthead.test.management.ManagementSurface;
import io.masthead.test.spring.MastheadIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.cloud.gateway.actuate.AbstractGatewayControllerEndpoint;
import org.springframework.cloud.gateway.route.RouteDefinitionLocator;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway's management surface (docs/design.md, "Management port"): nothing but {@code /v1}, the API
 * documents and the probes on the public port; metrics on a loopback management port; no way to change routes
 * at run time on either.
 */
@MastheadIntegrationTest(database = "gateway_management")
class ManagementPortIntegrationTest {

    static final RecordingBackend backend = new RecordingBackend();
    static final Path workDirectory = createWorkDirectory();

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        Path privateKey = workDirectory.resolve("jwt-private.pem");
        PemKeys.writePrivate(privateKey, PemKeys.generateRsa().getPrivate());
        registry.add("masthead.gateway.jwt.private-key-location", () -> privateKey.toUri().toString());
        registry.add("masthead.gateway.routes.customer-service", backend::url);
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
    }

    @Autowired
    WebTestClient web;

    @LocalServerPort
    int publicPort;

    @Autowired
    Environment environment;

    @Autowired
    ApplicationContext context;

    @Autowired
    RouteDefinitionLocator routeDefinitions;

    @Autowired
    SiteService sites;

    @BeforeEach
    void forgetEarlierRequests() {
        backend.forget();
    }

    @Test
    void noPortCanCreateRefreshOrDeleteARoute() {
        String evilRoute = """
                {"id": "evil", "uri": "%s", "order": -1,
                 "predicates": [{"name": "Path", "args": {"_genkey_0": "/evil/**"}}], "filters": []}"""
                .formatted(backend.url());
        for (WebTestClient port : List.of(web, ManagementSurface.loopback(managementPort()))) {
            port.post().uri("/actuator/gateway/routes/evil").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(evilRoute).exchange().expectStatus().value(status -> assertThat(status).isIn(404, 405));
            port.post().uri("/actuator/gateway/refresh").exchange()
                    .expectStatus().value(status -> assertThat(status).isIn(404, 405));
            port.delete().uri("/actuator/gateway/routes/customer-service").exchange()
                    .expectStatus().value(status -> assertThat(status).isIn(404, 405));
            port.get().uri("/actuator/gateway/routes").exchange().expectStatus().isNotFound();
        }
        // on the public port, as problems
        web.post().uri("/actuator/gateway/routes/evil").contentType(MediaType.APPLICATION_JSON).bodyValue(evilRoute)
                .exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.delete().uri("/actuator/gateway/routes/customer-service").exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);

        // nothing was added, and the configured route still serves
        web.get().uri("/evil/anything").exchange().expectStatus().isNotFound();
        assertThat(backend.receivedNothing()).isTrue();
        assertThat(routeDefinitions.getRouteDefinitions().map(route -> route.getId()).collectList()
                .block(Duration.ofSeconds(10))).doesNotContain("evil");
        String key = sites.create("Routes", SiteMode.TEST).block(Duration.ofSeconds(10)).key().secret().reveal();
        web.get().uri("/v1/customers").headers(h -> h.setBearerAuth(key)).exchange().expectStatus().isOk();
        assertThat(backend.next().uri()).isEqualTo("/v1/customers");
        // Spring Cloud Gateway's route-changing endpoint is not even created
        assertThat(context.getBeanNamesForType(AbstractGatewayControllerEndpoint.class)).isEmpty();
    }

    @Test
    void thePublicPortServesNoManagementEndpoint() {
        ManagementSurface.assertPublicPortServesNoManagementEndpoint(web);
        // and still serves the API documents (the /v1 API is covered by GatewayIntegrationTest)
        web.get().uri("/v3/api-docs").exchange().expectStatus().isOk();
        web.get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
    }

    @Test
    void prometheusScrapesTheManagementPort() {
        WebTestClient management = ManagementSurface.loopback(managementPort());
        assertThat(ManagementSurface.scrape(management, "gateway")).contains("http_server_requests_seconds");
        ManagementSurface.assertManagementPortIsReadOnly(management);
        // the management port serves management endpoints only: no routes, no API, even with a valid key
        String key = sites.create("Management", SiteMode.TEST).block(Duration.ofSeconds(10)).key().secret().reveal();
        management.get().uri("/v1/customers").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isNotFound();
        management.get().uri("/v1/api_keys").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isNotFound();
        management.get().uri("/v3/api-docs/customer-service").exchange().expectStatus().isNotFound();
        management.get().uri("/v3/api-docs").exchange().expectStatus().isNotFound();
        assertThat(backend.receivedNothing()).isTrue();
    }

    @Test
    void theManagementPortIsItsOwnAndListensOnLoopbackByDefault() {
        assertThat(managementPort()).isPositive().isNotEqualTo(publicPort);
        assertThat(environment.getProperty("management.server.address")).isEqualTo("127.0.0.1");
        ManagementSurface.assertListensOnLoopbackOnly(managementPort(), publicPort);
    }

    private static Path createWorkDirectory() {
        try {
            return Files.createTempDirectory("masthead-gateway-management-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The management port the context started on (what {@code @LocalManagementPort} injects), read when a test needs
     * it: the public-port checks run, and fail, on a service that has no management port at all.
     */
    private int managementPort() {
        return environment.getRequiredProperty("local.management.port", Integer.class);
    }
}
