package io.masthead.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.gateway.apikey.application.ApiKeyService;
import io.masthead.gateway.apikey.model.SecretKey;
import io.masthead.gateway.site.application.DevSite;
import io.masthead.gateway.site.application.SiteService;
import io.masthead.gateway.site.model.SiteMode;
import io.masthead.gateway.site.model.SiteWithKey;
import io.masthead.platform.security.InternalToken;
import io.masthead.platform.security.PemKeys;
import io.masthead.test.spring.MastheadIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

/**
 * The gateway against a real PostgreSQL database, with a recording stand-in for customer-service.
 * Authentication cache: 3 s here (30 s by default), so the revocation window can be observed.
 */
@MastheadIntegrationTest(database = "gateway", properties = "masthead.gateway.auth.cache-ttl=3s")
class GatewayIntegrationTest {

    private static final Duration CACHE_TTL = Duration.ofSeconds(3);
    private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
    };

    static final RecordingBackend backend = new RecordingBackend();
    /** subscription-service, which owns a path under customer-service's /v1/customers/**. */
    static final RecordingBackend subscriptions = new RecordingBackend();
    static final KeyPair signingKeys = PemKeys.generateRsa();
    static final Path workDirectory = createWorkDirectory();
    static final Path devSiteKeyFile = workDirectory.resolve("dev/dev-site.key");

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        Path privateKey = workDirectory.resolve("jwt-private.pem");
        PemKeys.writePrivate(privateKey, signingKeys.getPrivate());
        registry.add("masthead.gateway.jwt.private-key-location", () -> privateKey.toUri().toString());
        registry.add("masthead.gateway.routes.customer-service", backend::url);
        registry.add("masthead.gateway.routes.subscription-service", subscriptions::url);
        registry.add("masthead.gateway.dev-site.key-file", devSiteKeyFile::toString);
    }

    @AfterAll
    static void stopBackend() {
        backend.close();
        subscriptions.close();
    }

    @Autowired
    WebTestClient web;

    @Autowired
    SiteService sites;

    @Autowired
    ApiKeyService apiKeys;

    @Autowired
    DatabaseClient db;

    @Autowired
    Environment environment;

    @BeforeEach
    void forgetEarlierRequests() {
        backend.forget();
        subscriptions.forget();
    }

    // --- authentication ---------------------------------------------------------------------------

    @Test
    void aRequestWithoutKeyIsRejectedWithAProblem() {
        web.get().uri("/v1/customers").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:masthead:problem:unauthorized")
                .jsonPath("$.title").isEqualTo("Unauthorized")
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("Bearer sk_"));
        assertThat(backend.receivedNothing()).isTrue();
    }

    @Test
    void malformedKeysAreRejected() {
        for (String authorization : List.of("Bearer sk_test_tooShort", "Bearer pk_test_" + "a".repeat(32),
                "Basic " + "c2tfdGVzdF8=", "Bearer", "sk_test_" + "a".repeat(32),
                "Bearer eyJhbGciOiJub25lIn0.eyJzaXRlX2lkIjoic2l0ZV94In0.")) {
            web.get().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, authorization).exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectHeader().value(HttpHeaders.WWW_AUTHENTICATE, value -> assertThat(value).startsWith("Bearer"))
                    .expectBody().jsonPath("$.status").isEqualTo(401);
        }
        assertThat(backend.receivedNothing()).isTrue();
    }

    @Test
    void anUnknownKeyIsRejected() {
        web.get().uri("/v1/customers").headers(h -> h.setBearerAuth("sk_test_" + "Z".repeat(32))).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")
                .expectBody().jsonPath("$.detail").isEqualTo("The API key is unknown or has been revoked");
        assertThat(backend.receivedNothing()).isTrue();
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413BeforeItIsProxied() {
        String key = newSite("Big bodies", SiteMode.TEST).key().secret().reveal();
        byte[] huge = new byte[(1 << 20) + 1];
        java.util.Arrays.fill(huge, (byte) 'x');

        web.post().uri("/v1/customers").headers(h -> h.setBearerAuth(key)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(huge).exchange()
                .expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:masthead:problem:request-too-large")
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("1048576 bytes"))
                .jsonPath("$.errors[0].field").isEqualTo("body");
        assertThat(backend.receivedNothing()).as("refused on its Content-Length, before proxying").isTrue();

        // streamed without a Content-Length: refused once past the limit
        reactor.core.publisher.Flux<org.springframework.core.io.buffer.DataBuffer> chunks = reactor.core.publisher.Flux
                .range(0, 20).map(i -> org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance
                        .wrap(new byte[64 << 10]));
        web.post().uri("/v1/customers").headers(h -> h.setBearerAuth(key)).contentType(MediaType.APPLICATION_JSON)
                .body(chunks, org.springframework.core.io.buffer.DataBuffer.class).exchange()
                .expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(backend.receivedNothing()).as("read up to the limit, refused before proxying").isTrue();

        web.get().uri("/v1/customers/cus_123").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isOk();
    }

    @Test
    void aValidKeyIsReplacedByASignedInternalToken() {
        SiteWithKey site = newSite("Daily Planet", SiteMode.TEST);
        String key = site.key().secret().reveal();

        web.get().uri("/v1/customers/cus_123?expand=addresses").headers(h -> h.setBearerAuth(key))
                .header("X-Request-Id", "req-from-client-1").exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals("X-Request-Id", "req-from-client-1")
                .expectBody().jsonPath("$.ok").isEqualTo(true);

        RecordingBackend.Received received = backend.next();
        assertThat(received.uri()).isEqualTo("/v1/customers/cus_123?expand=addresses");
        assertThat(received.headers().get(HttpHeaders.AUTHORIZATION)).hasSize(1);
        String authorization = received.headers().getFirst(HttpHeaders.AUTHORIZATION);
        assertThat(authorization).startsWith("Bearer ").doesNotContain("sk_");
        assertThat(received.headers().toString()).doesNotContain(key);
        assertThat(received.headers().getFirst("X-Request-Id")).isEqualTo("req-from-client-1");

        Jwt jwt = verify(authorization.substring("Bearer ".length()));
        assertThat(jwt.getClaimAsString("iss")).isEqualTo(InternalToken.ISSUER);
        assertThat(jwt.getAudience()).containsExactly(InternalToken.AUDIENCE);
        assertThat(jwt.getClaimAsString(InternalToken.CLAIM_SITE)).isEqualTo(site.site().id());
        assertThat(jwt.getClaimAsString(InternalToken.CLAIM_ROLE)).isEqualTo("admin");
        assertThat(jwt.getClaimAsBoolean(InternalToken.CLAIM_LIVEMODE)).isFalse();
        assertThat(jwt.getClaims()).doesNotContainKey(InternalToken.CLAIM_CUSTOMER);
        assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aLiveKeyActsInLiveMode() {
        SiteWithKey live = newSite("Live Planet", SiteMode.LIVE);
        assertThat(live.key().secret().reveal()).startsWith("sk_live_");

        web.post().uri("/v1/organizations").headers(h -> h.setBearerAuth(live.key().secret().reveal()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\":\"x\"}").exchange()
                .expectStatus().isOk();

        Jwt jwt = verify(backend.next().headers().getFirst(HttpHeaders.AUTHORIZATION).substring("Bearer ".length()));
        assertThat(jwt.getClaimAsString(InternalToken.CLAIM_SITE)).isEqualTo(live.site().id());
        assertThat(jwt.getClaimAsBoolean(InternalToken.CLAIM_LIVEMODE)).isTrue();
    }

    @Test
    void aRequestWithoutRequestIdGetsOneThatTheServiceSeesToo() {
        String key = newSite("Request ids", SiteMode.TEST).key().secret().reveal();

        String echoed = web.get().uri("/v1/addresses").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");

        assertThat(echoed).isNotBlank();
        assertThat(backend.next().headers().getFirst("X-Request-Id")).isEqualTo(echoed);
    }

    @Test
    void aMoreSpecificPathOfAnotherServiceWinsOverABroaderOne() {
        String key = newSite("Routing", SiteMode.TEST).key().secret().reveal();

        web.get().uri("/v1/customers/cus_123/entitlements").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isOk();
        assertThat(subscriptions.next().uri()).isEqualTo("/v1/customers/cus_123/entitlements");
        web.get().uri("/v1/entitlement_settings").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isOk();
        assertThat(subscriptions.next().uri()).isEqualTo("/v1/entitlement_settings");
        assertThat(backend.receivedNothing()).as("customer-service got none of them").isTrue();

        web.get().uri("/v1/customers/cus_123").headers(h -> h.setBearerAuth(key)).exchange().expectStatus().isOk();
        assertThat(backend.next().uri()).isEqualTo("/v1/customers/cus_123");
        web.get().uri("/v1/customers/cus_123/addresses").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isOk();
        assertThat(backend.next().uri()).isEqualTo("/v1/customers/cus_123/addresses");
        assertThat(subscriptions.receivedNothing()).isTrue();
    }

    @Test
    void anUnknownV1PathIsANotFoundProblem() {
        String key = newSite("Not found", SiteMode.TEST).key().secret().reveal();

        web.get().uri("/v1/no_such_things").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type").isEqualTo("urn:masthead:problem:not-found")
                .jsonPath("$.status").isEqualTo(404)
                .jsonPath("$.detail").isEqualTo("No endpoint GET /v1/no_such_things");
        assertThat(backend.receivedNothing()).isTrue();
    }

    @Test
    void aKeyRevokedThroughTheApiStopsWorkingAtOnce() {
        String admin = newSite("Revocations", SiteMode.TEST).key().secret().reveal();
        Map<String, Object> created = createKey(admin);
        String secret = (String) created.get("secret");
        web.get().uri("/v1/customers").headers(h -> h.setBearerAuth(secret)).exchange().expectStatus().isOk();

        web.post().uri("/v1/api_keys/{id}/revoke", created.get("id")).headers(h -> h.setBearerAuth(admin)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.revoked_at").isNotEmpty().jsonPath("$.secret").doesNotExist();

        web.get().uri("/v1/customers").headers(h -> h.setBearerAuth(secret)).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.detail").isEqualTo("The API key is unknown or has been revoked");
    }

    @Test
    void aKeyRevokedElsewhereStopsWorkingWithinTheCacheWindow() throws InterruptedException {
        SiteWithKey site = newSite("Elsewhere", SiteMode.TEST);
        String key = site.key().secret().reveal();
        long cachedAt = System.nanoTime();
        web.get().uri("/v1/customers").headers(h -> h.setBearerAuth(key)).exchange().expectStatus().isOk();

        // As another gateway instance would: straight in the database.
        StepVerifier.create(db.sql("UPDATE api_keys SET revoked_at = now() WHERE id = :id")
                        .bind("id", site.key().key().id()).fetch().rowsUpdated())
                .expectNext(1L).verifyComplete();
        var stillCached = web.get().uri("/v1/customers").headers(h -> h.setBearerAuth(key)).exchange();
        if (Duration.ofNanos(System.nanoTime() - cachedAt).compareTo(CACHE_TTL.minusMillis(500)) < 0) {
            stillCached.expectStatus().isOk(); // (only checkable when this machine was quick enough)
        }

        Thread.sleep(Math.max(0, CACHE_TTL.plusMillis(500).minus(Duration.ofNanos(System.nanoTime() - cachedAt)).toMillis()));
        web.get().uri("/v1/customers").headers(h -> h.setBearerAuth(key)).exchange().expectStatus().isUnauthorized();
    }

    // --- public paths ------------------------------------------------------------------------------

    @Test
    void publicPathsNeedNoKeyAndNeverForwardOne() {
        web.get().uri("/livez").exchange().expectStatus().isOk();
        web.get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.paths['/v1/api_keys']").exists()
                .jsonPath("$.paths['/v1/api_keys/{id}/revoke']").exists();
        web.get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();

        String key = newSite("Docs", SiteMode.TEST).key().secret().reveal();
        web.get().uri("/v3/api-docs/customer-service").headers(h -> h.setBearerAuth(key)).exchange()
                .expectStatus().isOk()
                .expectBody().json(RecordingBackend.API_DOCS);
        RecordingBackend.Received received = backend.next();
        assertThat(received.uri()).isEqualTo("/v3/api-docs");
        assertThat(received.headers().containsHeader(HttpHeaders.AUTHORIZATION)).isFalse();
    }

    @Test
    void swaggerUiListsTheGatewayAndEveryService() {
        web.get().uri("/v3/api-docs/swagger-config").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.urls[?(@.name == 'gateway')].url").isEqualTo("/v3/api-docs")
                .jsonPath("$.urls[?(@.name == 'customer-service')].url").isEqualTo("/v3/api-docs/customer-service");
    }

    // --- API keys ----------------------------------------------------------------------------------

    @Test
    void aCreatedKeyIsShownOnceAndWorks() {
        SiteWithKey site = newSite("Key maker", SiteMode.TEST);
        String admin = site.key().secret().reveal();

        Map<String, Object> created = createKey(admin);
        String secret = (String) created.get("secret");
        assertThat(secret).matches("sk_test_[0-9A-Za-z]{32}");
        assertThat(created).containsEntry("site_id", site.site().id())
                .containsEntry("kind", "secret")
                .containsEntry("livemode", false)
                .containsEntry("prefix", secret.substring(0, 12))
                .containsEntry("revoked_at", null);
        assertThat((String) created.get("id")).startsWith("key_");

        web.get().uri("/v1/customers").headers(h -> h.setBearerAuth(secret)).exchange().expectStatus().isOk();

        web.get().uri("/v1/api_keys").headers(h -> h.setBearerAuth(admin)).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.data.length()").isEqualTo(2)
                .jsonPath("$.data[0].id").isEqualTo(created.get("id"))
                .jsonPath("$.data[0].secret").doesNotExist()
                .jsonPath("$.data[1].id").isEqualTo(site.key().key().id())
                .jsonPath("$.data[1].last_used_at").isNotEmpty()
                .jsonPath("$.has_more").isEqualTo(false)
                .jsonPath("$.next_cursor").isEmpty();
        // Stored hashed: the secret is nowhere in the database.
        StepVerifier.create(db.sql("SELECT count(*) AS n FROM api_keys k WHERE strpos(k::text, :secret) > 0")
                        .bind("secret", secret).map(row -> row.get("n", Long.class)).one())
                .expectNext(0L).verifyComplete();
    }

    @Test
    void keysAreListedNewestFirstPageByPage() {
        String admin = newSite("Pages", SiteMode.TEST).key().secret().reveal();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(0, (String) createKey(admin).get("id"));
        }

        Map<String, Object> first = web.get().uri("/v1/api_keys?limit=2").headers(h -> h.setBearerAuth(admin))
                .exchange().expectStatus().isOk().expectBody(JSON_OBJECT).returnResult().getResponseBody();
        assertThat(first).containsEntry("has_more", true).containsEntry("next_cursor", ids.get(1));
        assertThat(idsOf(first)).containsExactly(ids.get(0), ids.get(1));

        Map<String, Object> second = web.get().uri("/v1/api_keys?limit=2&starting_after={cursor}", ids.get(1))
                .headers(h -> h.setBearerAuth(admin))
                .exchange().expectStatus().isOk().expectBody(JSON_OBJECT).returnResult().getResponseBody();
        assertThat(second).containsEntry("has_more", false).containsEntry("next_cursor", null);
        assertThat(idsOf(second)).hasSize(2).startsWith(ids.get(2)); // the third created, then the site's first key
    }

    @Test
    void badInputIsAProblemNamingTheField() {
        String admin = newSite("Bad input", SiteMode.TEST).key().secret().reveal();

        web.post().uri("/v1/api_keys").headers(h -> h.setBearerAuth(admin)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":\"mine\"}").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("name");
        web.get().uri("/v1/api_keys?limit=1000").headers(h -> h.setBearerAuth(admin)).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("limit");
        web.get().uri("/v1/api_keys?starting_after=cus_1").headers(h -> h.setBearerAuth(admin)).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("starting_after");
        web.post().uri("/v1/api_keys/not-a-key/revoke").headers(h -> h.setBearerAuth(admin)).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void aSiteCannotSeeOrRevokeAnotherSitesKeys() {
        SiteWithKey a = newSite("Site A", SiteMode.TEST);
        SiteWithKey b = newSite("Site B", SiteMode.TEST);
        String keyA = a.key().secret().reveal();
        String keyB = b.key().secret().reveal();
        String idB = b.key().key().id();

        web.get().uri("/v1/api_keys?limit=100").headers(h -> h.setBearerAuth(keyA)).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.data[*].site_id").value(siteIds -> assertThat((List<Object>) siteIds).containsOnly(a.site().id()))
                .jsonPath("$.data[?(@.id == '" + idB + "')]").isEmpty();
        web.get().uri("/v1/api_keys?starting_after={id}", idB).headers(h -> h.setBearerAuth(keyA)).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.data[*].site_id").value(siteIds ->
                        assertThat((List<Object>) siteIds).containsOnly(a.site().id()));

        web.post().uri("/v1/api_keys/{id}/revoke", idB).headers(h -> h.setBearerAuth(keyA)).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);

        web.get().uri("/v1/customers").headers(h -> h.setBearerAuth(keyB)).exchange().expectStatus().isOk();
        StepVerifier.create(db.sql("SELECT revoked_at FROM api_keys WHERE id = :id").bind("id", idB)
                        .map(row -> java.util.Optional.ofNullable(row.get("revoked_at"))).one())
                .expectNext(java.util.Optional.empty()).verifyComplete();
    }

    // --- operator command and dev site -------------------------------------------------------------

    /** In its own JVM, as an operator runs it: in-process it would share (and on exit close) Reactor Netty's resources. */
    @Test
    void theSiteCreateCommandCreatesASiteWhoseKeyWorks() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                GatewayApplication.class.getName(), "site", "create", "--name", "Daily Planet", "--mode", "test"));
        for (String property : List.of("spring.r2dbc.url", "spring.r2dbc.username", "spring.r2dbc.password",
                "spring.flyway.url", "spring.flyway.user", "spring.flyway.password")) {
            command.add("--" + property + "=" + environment.getRequiredProperty(property));
        }
        Path output = workDirectory.resolve("site-create.out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        String printed = Files.readString(output);
        assertThat(process.exitValue()).as(printed).isZero();
        String siteId = field(printed, "site_id");
        String key = field(printed, "secret_key");
        assertThat(siteId).startsWith("site_");
        assertThat(key).matches("sk_test_[0-9A-Za-z]{32}");

        web.get().uri("/v1/customers").headers(h -> h.setBearerAuth(key)).exchange().expectStatus().isOk();
        Jwt jwt = verify(backend.next().headers().getFirst(HttpHeaders.AUTHORIZATION).substring("Bearer ".length()));
        assertThat(jwt.getClaimAsString(InternalToken.CLAIM_SITE)).isEqualTo(siteId);
        StepVerifier.create(db.sql("SELECT name, mode FROM sites WHERE id = :id").bind("id", siteId)
                        .map(row -> row.get("name", String.class) + "/" + row.get("mode", String.class)).one())
                .expectNext("Daily Planet/test").verifyComplete();
    }

    @Test
    void theDevSiteKeyFileIsWrittenOwnerOnlyAndItsKeyWorks() throws IOException {
        assertThat(devSiteKeyFile).exists();
        assertThat(Files.getPosixFilePermissions(devSiteKeyFile))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String key = Files.readString(devSiteKeyFile).strip();
        assertThat(key).matches("sk_test_[0-9A-Za-z]{32}");

        web.get().uri("/v1/customers").headers(h -> h.setBearerAuth(key)).exchange().expectStatus().isOk();
    }

    @Test
    void theDevSiteBootstrapIsIdempotentAndSurvivesADatabaseReset() throws IOException {
        Path keyFile = workDirectory.resolve("another-dev/dev-site.key");
        DevSite devSite = new DevSite(keyFile, sites, apiKeys);

        devSite.ensure(); // no file: a new site and key
        String key = Files.readString(keyFile).strip();
        SecretKey secret = SecretKey.parse(key).orElseThrow();
        long devSites = countDevSites();

        devSite.ensure(); // known key: nothing changes
        assertThat(Files.readString(keyFile).strip()).isEqualTo(key);
        assertThat(countDevSites()).isEqualTo(devSites);

        // The database forgets the site (as after a wipe): the same key comes back.
        StepVerifier.create(db.sql("DELETE FROM api_keys WHERE hash = :hash RETURNING site_id")
                        .bind("hash", secret.hash()).map(row -> row.get("site_id", String.class)).one()
                        .flatMap(siteId -> db.sql("DELETE FROM sites WHERE id = :id").bind("id", siteId)
                                .fetch().rowsUpdated()))
                .expectNext(1L).verifyComplete();
        StepVerifier.create(apiKeys.exists(secret)).expectNext(false).verifyComplete();

        devSite.ensure();
        assertThat(Files.readString(keyFile).strip()).isEqualTo(key);
        StepVerifier.create(apiKeys.exists(secret)).expectNext(true).verifyComplete();
        assertThat(countDevSites()).isEqualTo(devSites);

        devSite.ensure();
        assertThat(countDevSites()).isEqualTo(devSites);
    }

    // --- helpers -----------------------------------------------------------------------------------

    private SiteWithKey newSite(String name, SiteMode mode) {
        return sites.create(name, mode).block(Duration.ofSeconds(10));
    }

    private Map<String, Object> createKey(String admin) {
        return web.post().uri("/v1/api_keys").headers(h -> h.setBearerAuth(admin)).exchange()
                .expectStatus().isCreated()
                .expectBody(JSON_OBJECT).returnResult().getResponseBody();
    }

    private long countDevSites() {
        return db.sql("SELECT count(*) AS n FROM sites WHERE name = :name").bind("name", DevSite.NAME)
                .map(row -> row.get("n", Long.class)).one().block(Duration.ofSeconds(10));
    }

    @SuppressWarnings("unchecked")
    private static List<String> idsOf(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("data")).stream().map(key -> (String) key.get("id")).toList();
    }

    private static Jwt verify(String token) {
        return NimbusJwtDecoder.withPublicKey((RSAPublicKey) signingKeys.getPublic()).build().decode(token);
    }

    private static String field(String printed, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + name + ": (\\S+)$").matcher(printed);
        assertThat(matcher.find()).as("'%s' in:%n%s", name, printed).isTrue();
        return matcher.group(1);
    }

    private static Path createWorkDirectory() {
        try {
            return Files.createTempDirectory("masthead-gateway-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
