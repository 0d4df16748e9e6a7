package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.masthead.test.spring.TestTokens;
import io.masthead.platform.crypto.EncryptionKey;
import io.masthead.platform.crypto.SecretCipher;
import io.masthead.webhook.support.DomainEvents;
import io.masthead.webhook.support.StandaloneService;
import io.masthead.webhook.support.TestReceiver;
import io.masthead.webhook.support.TestSecretKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The key that encrypts secrets at rest is rotated across restarts, as an operator does it: the service runs with
 * key {@code k1}; it is started again with a key file of a new current key and the old one, and at start-up every
 * secret (and one still in clear, from before encryption at rest) is encrypted under the new key and still signs.
 * Started with neither key, or with no key at all, it refuses to start and says why.
 */
class SecretKeyRotationIntegrationTest {

    private static final TestReceiver receiver = new TestReceiver();
    private static final String SITE = WebhookIntegrationTestSupport.newSite();
    private static final EncryptionKey K1 = EncryptionKey.fromBase64("k1", TestSecretKeys.PREVIOUS);
    private static final EncryptionKey K2 = EncryptionKey.fromBase64("k2", TestSecretKeys.CURRENT);

    @TempDir
    Path directory;

    @AfterAll
    static void close() {
        receiver.close();
    }

    private static ConfigurableApplicationContext start(Map<String, Object> keys) {
        return StandaloneService.start("webhooks_keys", "webhook-service-keys", keys);
    }

    private static Map<String, Object> inlineKey(String id, String key) {
        return Map.of("masthead.webhooks.secret-encryption.keys[0].id", id,
                "masthead.webhooks.secret-encryption.keys[0].key", key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> createEndpoint(ConfigurableApplicationContext app, String path) {
        return WebClient.builder().baseUrl("http://localhost:" + app.getEnvironment().getProperty("local.server.port"))
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE)).build()
                .post().uri("/v1/webhook_endpoints").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"url\": \"" + receiver.url(path) + "\", \"enabled_events\": [\"customer.created\"]}")
                .retrieve().bodyToMono(Map.class).block();
    }

    private static Flux<String> stored(ConfigurableApplicationContext app, String endpointId) {
        return app.getBean(DatabaseClient.class)
                .sql("SELECT secret FROM webhook_endpoint_secrets WHERE endpoint_id = :id").bind("id", endpointId)
                .map(row -> row.get("secret", String.class)).all();
    }

    @Test
    void aNewKeyFirstInTheFileReEncryptsEverySecretAtStartUpAndTheOldKeyCanThenGo() throws IOException {
        WebhookIntegrationTestSupport.createTopic(DomainEvents.TOPIC);
        String encryptedId;
        String encryptedSecret;
        String clearId;
        String clearSecret;
        ConfigurableApplicationContext first = start(inlineKey("k1", TestSecretKeys.PREVIOUS));
        try {
            Map<String, Object> encrypted = createEndpoint(first, "/keys-encrypted");
            Map<String, Object> clear = createEndpoint(first, "/keys-clear");
            encryptedId = encrypted.get("id").toString();
            encryptedSecret = encrypted.get("secret").toString();
            clearId = clear.get("id").toString();
            clearSecret = clear.get("secret").toString();
            StepVerifier.create(stored(first, encryptedId))
                    .assertNext(value -> assertThat(value).startsWith("v1:k1:")).verifyComplete();
            // as a row written before secrets were encrypted at rest
            StepVerifier.create(first.getBean(DatabaseClient.class)
                            .sql("UPDATE webhook_endpoint_secrets SET secret = :secret WHERE endpoint_id = :id")
                            .bind("secret", clearSecret).bind("id", clearId).fetch().rowsUpdated())
                    .expectNext(1L).verifyComplete();
        } finally {
            first.close();
        }

        Path keyFile = Files.writeString(directory.resolve("webhook-secret-keys"),
                "# rotated: k2 encrypts, k1 decrypts until every secret is under k2\nk2:" + TestSecretKeys.CURRENT
                        + "\nk1:" + TestSecretKeys.PREVIOUS + "\n");
        ConfigurableApplicationContext second = start(
                Map.of("masthead.webhooks.secret-encryption.keys-location", keyFile.toUri().toString()));
        try {
            SecretCipher onlyK2 = new SecretCipher(List.of(K2));
            StepVerifier.create(stored(second, encryptedId)).assertNext(value -> {
                assertThat(value).startsWith("v1:k2:");
                assertThat(onlyK2.decrypt(encryptedId, value)).isEqualTo(encryptedSecret);
            }).verifyComplete();
            StepVerifier.create(stored(second, clearId)).assertNext(value -> {
                assertThat(value).startsWith("v1:k2:").doesNotContain(clearSecret);
                assertThat(onlyK2.decrypt(clearId, value)).isEqualTo(clearSecret);
            }).verifyComplete();

            try (DomainEvents events = new DomainEvents()) {
                events.created(SITE, DomainEvents.customer("cus_k1", "k1@example.com", Instant.now()), Instant.now());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/keys-encrypted").size() == 1
                    && receiver.requests("/keys-clear").size() == 1);
            assertThat(WebhookIntegrationTestSupport.signedWith(receiver.requests("/keys-encrypted").getFirst(),
                    encryptedSecret)).isTrue();
            assertThat(WebhookIntegrationTestSupport.signedWith(receiver.requests("/keys-clear").getFirst(),
                    clearSecret)).isTrue();
        } finally {
            second.close();
        }

        // k2 removed too early: the secrets under it could not be read, so the service does not start
        assertThatThrownBy(() -> start(inlineKey("k3", java.util.Base64.getEncoder().encodeToString(new byte[32]))))
                .extracting(NestedExceptionUtils::getMostSpecificCause).isInstanceOf(IllegalStateException.class)
                .extracting(Throwable::getMessage).asString()
                .startsWith("Webhook signing secrets are encrypted under key k2, which "
                        + "masthead.webhooks.secret-encryption does not configure (it has k3)");
        // no key at all: no default in the jar
        assertThatThrownBy(() -> start(Map.of())).extracting(NestedExceptionUtils::getMostSpecificCause)
                .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, e -> {
                    assertThat(e.getName()).isEqualTo("masthead.webhooks.secret-encryption.keys-location");
                    assertThat(e.getReason()).startsWith("it is required").endsWith("There is no default key");
                });
    }
}
