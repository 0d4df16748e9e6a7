package io.masthead.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.gateway.site.application.SiteService;
import io.masthead.gateway.site.model.SiteMode;
import io.masthead.gateway.site.model.SiteWithKey;
import io.masthead.platform.security.InternalToken;
import io.masthead.platform.security.PemKeys;
import io.masthead.test.spring.MastheadIntegrationTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Publishable keys, login, customer tokens, logout and the login rate limit against a real PostgreSQL database,
 * with a stand-in for customer-service that knows one password and records what it is asked.
 */
@MastheadIntegrationTest(database = "gateway_sessions", properties = {
    "masthead.gateway.sessions.max-failures-per-customer=3", "masthead.gateway.sessions.max-failures-per-ip=6"})
class CustomerSessionIntegrationTest {

    private static final String CUSTOMER = "cus_01jt3z8x9k2m4n6p8q0r2s4t6v";
    private static final String OTHER = "cus_01jt3z8x9k2m4n6p8q0r2s4t6w";
    private static final String PASSWORD = "correct horse battery";
    /** A password whose check fails in customer-service (500). */
    private static final String FAILING = "makes the check fail";
    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    /** customer-service: verifies {@code <anything>@known.example} with {@link #PASSWORD} as {@link #CUSTOMER}. */
    static final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    static final DisposableServer customerService = HttpServer.create().host("127.0.0.1").port(0)
            .handle((request, response) -> request.receive().aggregate().asString().defaultIfEmpty("")
                    .flatMap(body -> {
                        received.add(request.method().name() + " " + request.uri() + " "
                                + request.requestHeaders().get(HttpHeaders.AUTHORIZATION));
                        String answer;
                        int status = 200;
                        if (body.contains(FAILING)) {
                            status = 500;
                            answer = "{\"status\":500}";
                        } else if (request.uri().equals("/internal/credentials/verify")) {
                            boolean ok = body.contains("@known.example\"") && body.contains("\"" + PASSWORD + "\"");
                            answer = ok ? "{\"verified\":true,\"customer\":\"" + CUSTOMER + "\"}" : "{\"verified\":false}";
                        } else if (request.uri().equals("/v1/customers/" + OTHER)) {
                            status = 404;
                            answer = "{\"status\":404}";
                        } else {
                            answer = "{\"ok\":true}";
                        }
                        return response.status(status).header("Content-Type", "application/json")
                                .sendString(Mono.just(answer)).then();
                    }))
            .bindNow(Duration.ofSeconds(10));
    static final KeyPair signingKeys = PemKeys.generateRsa();

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) throws IOException {
        Path privateKey = Files.createTempDirectory("masthead-gateway-sessions-").resolve("jwt-private.pem");
        PemKeys.writePrivate(privateKey, signingKeys.getPrivate());
        registry.add("masthead.gateway.jwt.private-key-location", () -> privateKey.toUri().toString());
        registry.add("masthead.gateway.routes.customer-service", () -> "http://127.0.0.1:" + customerService.port());
    }

    @AfterAll
    static void stop() {
        customerService.disposeNow();
    }

    @Autowired
    WebTestClient web;

    @Autowired
    SiteService sites;

    @Autowired
    DatabaseClient db;

    private SiteWithKey site;
    private String secret;
    private String publishable;

    @BeforeEach
    void newSite() {
        site = sites.create("Sessions " + UUID.randomUUID(), SiteMode.TEST).block(Duration.ofSeconds(10));
        secret = site.key().secret().reveal();
        Map<String, Object> key = web.post().uri("/v1/api_keys").headers(h -> h.setBearerAuth(secret))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"type\": \"publishable\"}").exchange()
                .expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody();
        assertThat(key).containsEntry("kind", "publishable").containsEntry("livemode", false);
        publishable = key.get("secret").toString();
        received.clear();
    }

    private WebTestClient.ResponseSpec login(String key, String email, String password) {
        return web.post().uri("/v1/auth/login").headers(h -> h.setBearerAuth(key))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", password)).exchange();
    }

    private String logIn() {
        Map<String, Object> session = login(publishable, "lois@known.example", PASSWORD).expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        return session.get("token").toString();
    }

    private String nextReceived() throws InterruptedException {
        String next = received.poll(5, TimeUnit.SECONDS);
        assertThat(next).as("a request to customer-service").isNotNull();
        return next;
    }

    private static Jwt verify(String token) {
        return NimbusJwtDecoder.withPublicKey((RSAPublicKey) signingKeys.getPublic()).build().decode(token);
    }

    @Test
    void aPublishableKeyLogsACustomerInAndTheTokenActsAsThatCustomer() throws InterruptedException {
        Map<String, Object> session = login(publishable, "Lois@known.example", PASSWORD).expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(session).containsEntry("object", "customer_session").containsEntry("customer", CUSTOMER)
                .containsEntry("livemode", false);
        String token = session.get("token").toString();
        assertThat(token).startsWith("cst_test_");
        assertThat(Duration.between(Instant.parse(session.get("created_at").toString()),
                Instant.parse(session.get("expires_at").toString()))).isEqualTo(Duration.ofHours(1));
        // the gateway asked customer-service with its own admin token for the site, never the publishable key
        String verification = nextReceived();
        assertThat(verification).startsWith("POST /internal/credentials/verify").doesNotContain(publishable);

        // only the token's hash is stored
        assertThat(db.sql("SELECT count(*) AS n FROM customer_sessions WHERE hash = :hash OR hash = :token")
                .bind("hash", io.masthead.gateway.session.model.SessionToken.parse(token).orElseThrow().hash())
                .bind("token", token).map(r -> r.get("n", Long.class)).one().block()).isEqualTo(1);

        web.get().uri("/v1/customers/" + CUSTOMER).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk();
        String forwarded = nextReceived();
        assertThat(forwarded).startsWith("GET /v1/customers/" + CUSTOMER).doesNotContain(token);
        Matcher bearer = Pattern.compile("Bearer ([^\\],]+)").matcher(forwarded);
        assertThat(bearer.find()).isTrue();
        Jwt jwt = verify(bearer.group(1));
        assertThat(jwt.getClaimAsString(InternalToken.CLAIM_ROLE)).isEqualTo("customer");
        assertThat(jwt.getClaimAsString(InternalToken.CLAIM_CUSTOMER)).isEqualTo(CUSTOMER);
        assertThat(jwt.getClaimAsString(InternalToken.CLAIM_SITE)).isEqualTo(site.site().id());
    }

    @Test
    void aPublishableKeyGrantsNothingButLogin() {
        for (String path : new String[] {"/v1/customers", "/v1/customers/" + CUSTOMER, "/v1/api_keys",
            "/v1/test_clock", "/v1/webhook_endpoints"}) {
            web.get().uri(path).headers(h -> h.setBearerAuth(publishable)).exchange()
                    .expectStatus().isForbidden().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        web.post().uri("/v1/auth/logout").headers(h -> h.setBearerAuth(publishable)).exchange()
                .expectStatus().isForbidden();
        web.post().uri("/v1/customers/" + CUSTOMER + "/sessions").headers(h -> h.setBearerAuth(publishable))
                .exchange().expectStatus().isForbidden();
        assertThat(received).isEmpty();
        // and a secret key does not log customers in
        login(secret, "lois@known.example", PASSWORD).expectStatus().isForbidden();
        web.post().uri("/v1/api_keys").headers(h -> h.setBearerAuth(secret)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"type\": \"public\"}").exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("type");
    }

    @Test
    void aCustomerTokenReachesOnlyItsAllowlistAndAnotherCustomerIsNotFound() {
        String token = logIn();
        received.clear();
        web.get().uri("/v1/customers/" + OTHER).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        for (String path : new String[] {"/v1/customers", "/v1/api_keys", "/v1/test_clock", "/v1/webhook_endpoints",
            "/v1/webhook_deliveries", "/v1/events", "/v1/products", "/v1/customers/export"}) {
            web.get().uri(path).headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isForbidden().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        web.post().uri("/v1/api_keys").headers(h -> h.setBearerAuth(token)).exchange().expectStatus().isForbidden();
        web.post().uri("/v1/customers/" + CUSTOMER + "/sessions").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isForbidden();
        login(token, "lois@known.example", PASSWORD).expectStatus().isForbidden();
        // encoded spellings are decoded before the allowlist matches them
        for (String path : new String[] {"/v1/customers/%65xport", "/v1/customers/%73earch", "/v1/addresses/%65xport",
            "/v1/subscriptions/%73earch", "/v1/%77ebhook_endpoints"}) {
            web.get().uri(base -> java.net.URI.create(base.build() + path)).headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isForbidden();
        }
        assertThat(received).as("nothing was forwarded").isEmpty();
    }

    @Test
    void wrongPasswordsAre401AndTheFourthFailureOfAnEmailIs429WithRetryAfterEvenWithTheRightPassword() {
        String email = "clark-" + UUID.randomUUID() + "@known.example";
        for (int i = 0; i < 3; i++) {
            login(publishable, email, "wrong password").expectStatus().isUnauthorized()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("urn:masthead:problem:invalid-credentials");
        }
        received.clear();
        login(publishable, email, PASSWORD).expectStatus().isEqualTo(429)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, value ->
                        assertThat(Long.parseLong(value)).isBetween(1L, 15 * 60L))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("urn:masthead:problem:too-many-login-attempts");
        assertThat(received).as("the password was not even checked").isEmpty();
        // another site's customers are not affected: the limits are per site
        SiteWithKey other = sites.create("Other " + UUID.randomUUID(), SiteMode.TEST).block(Duration.ofSeconds(10));
        String otherKey = web.post().uri("/v1/api_keys").headers(h -> h.setBearerAuth(other.key().secret().reveal()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"type\": \"publishable\"}").exchange()
                .expectBody(JSON).returnResult().getResponseBody().get("secret").toString();
        login(otherKey, email, PASSWORD).expectStatus().isCreated();
        // no email or address is stored in clear
        assertThat(db.sql("SELECT count(*) AS n FROM login_attempts WHERE subject LIKE '%@%' OR subject LIKE '%.%'")
                .map(r -> r.get("n", Long.class)).one().block()).isZero();
    }

    @Test
    void aCheckThatFailsInCustomerServiceCountsAsAFailedAttempt() {
        String email = "jimmy-" + UUID.randomUUID() + "@known.example";
        for (int i = 0; i < 3; i++) {
            login(publishable, email, FAILING).expectStatus().isEqualTo(503)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        login(publishable, email, PASSWORD).expectStatus().isEqualTo(429).expectHeader().exists(HttpHeaders.RETRY_AFTER);
    }

    @Test
    void failuresFromOneAddressAreLimitedWhateverTheEmail() {
        for (int i = 0; i < 6; i++) {
            login(publishable, "guess-" + i + "-" + UUID.randomUUID() + "@known.example", "wrong password")
                    .expectStatus().isUnauthorized();
        }
        login(publishable, "lois@known.example", PASSWORD).expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER);
    }

    @Test
    void badLoginBodiesAreProblemsNamingTheField() {
        web.post().uri("/v1/auth/login").headers(h -> h.setBearerAuth(publishable))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"email\": \"lois@known.example\"}").exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("password");
        web.post().uri("/v1/auth/login").headers(h -> h.setBearerAuth(publishable))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"email\": \"x\", \"password\": \"y\", \"remember\": true}")
                .exchange().expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("remember");
        web.post().uri("/v1/auth/login").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", "lois@known.example", "password", PASSWORD)).exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void logoutRevokesThePresentedTokenAtOnce() {
        String token = logIn();
        String other = logIn();
        web.post().uri("/v1/auth/logout").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isNoContent();
        web.get().uri("/v1/customers/" + CUSTOMER).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        web.post().uri("/v1/auth/logout").headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isUnauthorized();
        // the customer's other session goes on
        web.get().uri("/v1/customers/" + CUSTOMER).headers(h -> h.setBearerAuth(other)).exchange()
                .expectStatus().isOk();
    }

    @Test
    void aTestSitesSessionsExpireOnItsTestClock() {
        String token = logIn();
        web.get().uri("/v1/customers/" + CUSTOMER).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk();
        // the site's clock runs on two hours ahead of the wall clock, as after an advance
        db.sql("INSERT INTO test_clocks (site_id, status, simulated_at, set_at_wall, updated_at) "
                        + "VALUES (:site, 'ready', now() + interval '2 hours', now(), now())")
                .bind("site", site.site().id()).then().block();
        web.get().uri("/v1/customers/" + CUSTOMER).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.detail")
                .isEqualTo("The customer token is unknown, expired or revoked: log in again");
        // a new login lives on the site's time
        Map<String, Object> fresh = login(publishable, "lois@known.example", PASSWORD).expectStatus().isCreated()
                .expectBody(JSON).returnResult().getResponseBody();
        assertThat(Instant.parse(fresh.get("created_at").toString()))
                .isAfter(Instant.now().plus(Duration.ofMinutes(110)));
        web.get().uri("/v1/customers/" + CUSTOMER).headers(h -> h.setBearerAuth(fresh.get("token").toString()))
                .exchange().expectStatus().isOk();
    }

    private void expectUnauthorized(String token) {
        web.get().uri("/v1/customers/" + CUSTOMER).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isUnauthorized();
    }

    private void expectOk(String token) {
        web.get().uri("/v1/customers/" + CUSTOMER).headers(h -> h.setBearerAuth(token)).exchange()
                .expectStatus().isOk();
    }

    private WebTestClient.ResponseSpec setPassword(String path, String password) {
        return web.post().uri(base -> java.net.URI.create(base.build() + path)).headers(h -> h.setBearerAuth(secret))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("password", password)).exchange();
    }

    @Test
    void aSecretKeyRevokesAllOfACustomersSessions() {
        String first = logIn();
        String second = logIn();
        web.delete().uri("/v1/customers/" + CUSTOMER + "/sessions").headers(h -> h.setBearerAuth(first)).exchange()
                .expectStatus().isForbidden();
        expectOk(first);
        web.delete().uri("/v1/customers/" + CUSTOMER + "/sessions").headers(h -> h.setBearerAuth(secret)).exchange()
                .expectStatus().isNoContent();
        expectUnauthorized(first);
        expectUnauthorized(second);
        // a new login works; a customer without sessions is 204 too; an unknown customer or a malformed id is 404
        expectOk(logIn());
        web.delete().uri("/v1/customers/" + CUSTOMER + "/sessions").headers(h -> h.setBearerAuth(secret)).exchange()
                .expectStatus().isNoContent();
        web.delete().uri("/v1/customers/" + CUSTOMER + "/sessions").headers(h -> h.setBearerAuth(secret)).exchange()
                .expectStatus().isNoContent();
        web.delete().uri("/v1/customers/" + OTHER + "/sessions").headers(h -> h.setBearerAuth(secret)).exchange()
                .expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.delete().uri("/v1/customers/not-an-id/sessions").headers(h -> h.setBearerAuth(secret)).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void settingThePasswordThroughTheGatewayRevokesTheCustomersSessions() {
        String token = logIn();
        // a refused change (customer-service fails) revokes nothing
        setPassword("/v1/customers/" + CUSTOMER + "/password", FAILING).expectStatus().is5xxServerError();
        expectOk(token);
        setPassword("/v1/customers/" + CUSTOMER + "/password", "a new password").expectStatus().is2xxSuccessful();
        expectUnauthorized(token);
        // spelled with an encoded letter, it is the same operation
        String again = logIn();
        setPassword("/v1/customers/" + CUSTOMER + "/%70assword", "a newer password").expectStatus().is2xxSuccessful();
        expectUnauthorized(again);
    }

    @Test
    void revokingAKeyEndsTheSessionsCreatedWithIt() {
        String token = logIn();
        String support = web.post().uri("/v1/customers/" + CUSTOMER + "/sessions")
                .headers(h -> h.setBearerAuth(secret)).exchange()
                .expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody().get("token").toString();
        String publishableId = db.sql("SELECT id FROM api_keys WHERE site_id = :site AND kind = 'publishable'")
                .bind("site", site.site().id()).map(r -> r.get("id", String.class)).one().block();
        web.post().uri("/v1/api_keys/" + publishableId + "/revoke").headers(h -> h.setBearerAuth(secret)).exchange()
                .expectStatus().isOk();
        expectUnauthorized(token);
        // the support session was created with the secret key, which still works
        expectOk(support);
    }

    @Test
    void aSecretKeyCreatesASessionOfAnExistingCustomerForSupportTools() {
        Map<String, Object> session = web.post().uri("/v1/customers/" + CUSTOMER + "/sessions")
                .headers(h -> h.setBearerAuth(secret)).exchange()
                .expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody();
        assertThat(session).containsEntry("customer", CUSTOMER);
        web.get().uri("/v1/customers/" + CUSTOMER).headers(h -> h.setBearerAuth(session.get("token").toString()))
                .exchange().expectStatus().isOk();
        web.post().uri("/v1/customers/" + OTHER + "/sessions").headers(h -> h.setBearerAuth(secret)).exchange()
                .expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.post().uri("/v1/customers/not-an-id/sessions").headers(h -> h.setBearerAuth(secret)).exchange()
                .expectStatus().isNotFound();
    }
}
