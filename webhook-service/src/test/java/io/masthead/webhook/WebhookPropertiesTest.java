package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.masthead.platform.crypto.SecretCipher;
import io.masthead.webhook.support.TestSecretKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The configuration of the keys that encrypt secrets at rest, bound as Spring binds it at start-up, and read as the
 * service reads it when it starts ({@code cipher()}, whose exception Spring Boot reports naming the property).
 */
class WebhookPropertiesTest {

    private static final String KEYS = "masthead.webhooks.secret-encryption.keys";
    private static final String LOCATION = "masthead.webhooks.secret-encryption.keys-location";

    @TempDir
    Path directory;

    private static SecretCipher cipher(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("masthead.webhooks", WebhookProperties.class).secretEncryption().cipher();
    }

    private static void refused(Map<String, String> properties, String property, String reason) {
        assertThatThrownBy(() -> cipher(properties)).isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .satisfies(e -> {
                    InvalidConfigurationPropertyValueException invalid = (InvalidConfigurationPropertyValueException) e;
                    assertThat(invalid.getName()).isEqualTo(property);
                    assertThat(invalid.getReason()).contains(reason);
                    assertThat(invalid.getMessage()).doesNotContain(TestSecretKeys.CURRENT, TestSecretKeys.PREVIOUS);
                });
    }

    @Test
    void withoutAKeyTheServiceDoesNotStartAndSaysWhichPropertyIsMissing() {
        refused(Map.of(), LOCATION, "it is required");
        refused(Map.of("masthead.webhooks.topics", "customers.v1"), LOCATION, "There is no default key");
        refused(Map.of(LOCATION, " "), LOCATION, "it is required");
    }

    @Test
    void inlineKeysTheFirstOneEncryptsAndBadOnesAreNamedWithoutTheirValue() {
        SecretCipher cipher = cipher(Map.of(KEYS + "[0].id", "k2", KEYS + "[0].key", TestSecretKeys.CURRENT,
                KEYS + "[1].id", "k1", KEYS + "[1].key", TestSecretKeys.PREVIOUS));

        assertThat(cipher.currentKeyId()).isEqualTo("k2");
        assertThat(cipher.keyIds()).containsExactly("k2", "k1");
        refused(Map.of(KEYS + "[0].id", "k1", KEYS + "[0].key", TestSecretKeys.CURRENT,
                KEYS + "[1].id", "k2", KEYS + "[1].key", TestSecretKeys.PREVIOUS.substring(8)),
                KEYS + "[1]", "key 'k2' must be 32 bytes (AES-256), not 26");
        refused(Map.of(KEYS + "[0].id", "k1", KEYS + "[0].key", TestSecretKeys.CURRENT,
                KEYS + "[1].id", "k1", KEYS + "[1].key", TestSecretKeys.PREVIOUS), KEYS, "key id 'k1' is given twice");
    }

    @Test
    void aKeyFileIsReadAsAPathOrAFileUrl() throws IOException {
        Path file = directory.resolve("webhook-secret-keys");
        Files.writeString(file, "# current first\nk3:" + TestSecretKeys.CURRENT + "\nk2:" + TestSecretKeys.PREVIOUS + "\n");

        assertThat(cipher(Map.of(LOCATION, file.toString())).keyIds()).containsExactly("k3", "k2");
        assertThat(cipher(Map.of(LOCATION, file.toUri().toString())).currentKeyId()).isEqualTo("k3");
    }

    @Test
    void aMissingOrBadKeyFileIsNamed() throws IOException {
        Path missing = directory.resolve("missing");
        refused(Map.of(LOCATION, missing.toString()), LOCATION, "cannot read " + missing + " (NoSuchFileException)");
        Path empty = Files.writeString(directory.resolve("empty"), "# nothing yet\n");
        refused(Map.of(LOCATION, empty.toString()), LOCATION, empty + ": it holds no key");
        Path bad = Files.writeString(directory.resolve("bad"), "k1=" + TestSecretKeys.CURRENT);
        refused(Map.of(LOCATION, bad.toString()), LOCATION, bad + ": line 1: expected <key id>:<base64 key>");
    }

    @Test
    void aFileAndInlineKeysTogetherAreRefused() {
        refused(Map.of(LOCATION, "/etc/keys", KEYS + "[0].id", "k1", KEYS + "[0].key", TestSecretKeys.CURRENT),
                LOCATION, "set only one of " + LOCATION + " and " + KEYS);
    }
}
