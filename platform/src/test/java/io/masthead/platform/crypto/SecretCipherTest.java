package io.masthead.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private static final String ENDPOINT = "we_01jq0000000000000000000001";
    private static final String OTHER_ENDPOINT = "we_01jq0000000000000000000002";

    private static EncryptionKey key(String id) {
        byte[] material = new byte[EncryptionKey.LENGTH];
        new SecureRandom().nextBytes(material);
        return new EncryptionKey(id, material);
    }

    private final EncryptionKey k1 = key("k1");
    private final EncryptionKey k2 = key("k2");
    private static final String CLEAR_PREFIX = "whsec_";
    private final String secret = newSecret();

    private static String newSecret() {
        byte[] key = new byte[24];
        new SecureRandom().nextBytes(key);
        return CLEAR_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    @Test
    void aSecretComesBackFromItsStoredFormWhichHidesIt() {
        SecretCipher cipher = new SecretCipher(List.of(k1));

        String stored = cipher.encrypt(ENDPOINT, secret);

        assertThat(stored).startsWith("v1:k1:").doesNotContain(secret)
                .doesNotContain(secret.substring(CLEAR_PREFIX.length()));
        byte[] sealed = Base64.getDecoder().decode(stored.substring("v1:k1:".length()));
        assertThat(sealed).hasSize(12 + secret.length() + 16); // nonce, ciphertext, tag
        assertThat(cipher.decrypt(ENDPOINT, stored)).isEqualTo(secret);
    }

    @Test
    void eachEncryptionHasItsOwnNonce() {
        SecretCipher cipher = new SecretCipher(List.of(k1));

        String first = cipher.encrypt(ENDPOINT, secret);
        String second = cipher.encrypt(ENDPOINT, secret);

        assertThat(first).isNotEqualTo(second);
        assertThat(java.util.Arrays.copyOf(Base64.getDecoder().decode(first.substring(6)), 12))
                .isNotEqualTo(java.util.Arrays.copyOf(Base64.getDecoder().decode(second.substring(6)), 12));
        assertThat(cipher.decrypt(ENDPOINT, first)).isEqualTo(cipher.decrypt(ENDPOINT, second)).isEqualTo(secret);
    }

    @Test
    void aValueCopiedToAnotherEndpointDoesNotDecrypt() {
        SecretCipher cipher = new SecretCipher(List.of(k1));
        String stored = cipher.encrypt(ENDPOINT, secret);

        assertThatThrownBy(() -> cipher.decrypt(OTHER_ENDPOINT, stored))
                .isInstanceOf(UnreadableSecretException.class)
                .hasMessage("the value of " + OTHER_ENDPOINT + " cannot be read: it does not "
                        + "decrypt under key 'k1': it was altered, or it belongs to another record")
                .hasMessageNotContaining(secret);
    }

    @Test
    void aKeyThatIsNotConfiguredIsNamed() {
        String stored = new SecretCipher(List.of(k1)).encrypt(ENDPOINT, secret);
        SecretCipher without = new SecretCipher(List.of(k2));

        assertThatThrownBy(() -> without.decrypt(ENDPOINT, stored))
                .isInstanceOf(UnreadableSecretException.class)
                .hasMessage("the value of " + ENDPOINT + " cannot be read: encrypted under key 'k1', "
                        + "which is not configured (configured: k2)");
    }

    @Test
    void anotherKeyUnderTheSameIdDoesNotDecrypt() {
        String stored = new SecretCipher(List.of(k1)).encrypt(ENDPOINT, secret);
        SecretCipher wrongKey = new SecretCipher(List.of(key("k1")));

        assertThatThrownBy(() -> wrongKey.decrypt(ENDPOINT, stored))
                .isInstanceOf(UnreadableSecretException.class).hasMessageContaining("does not decrypt under key 'k1'");
    }

    @Test
    void anAlteredNonceCiphertextOrTagDoesNotDecrypt() {
        SecretCipher cipher = new SecretCipher(List.of(k1));
        String stored = cipher.encrypt(ENDPOINT, secret);
        byte[] sealed = Base64.getDecoder().decode(stored.substring("v1:k1:".length()));

        for (int position : new int[] {0, 11, 12, 12 + secret.length() - 1, sealed.length - 1}) {
            byte[] altered = sealed.clone();
            altered[position] ^= 0x01;
            String tampered = "v1:k1:" + Base64.getEncoder().encodeToString(altered);
            assertThatThrownBy(() -> cipher.decrypt(ENDPOINT, tampered)).as("byte %d altered", position)
                    .isInstanceOf(UnreadableSecretException.class).hasMessageContaining("it was altered");
        }
        byte[] truncated = java.util.Arrays.copyOf(sealed, sealed.length - 1);
        assertThatThrownBy(() -> cipher.decrypt(ENDPOINT, "v1:k1:" + Base64.getEncoder().encodeToString(truncated)))
                .isInstanceOf(UnreadableSecretException.class).hasMessageContaining("it was altered");
        assertThat(cipher.decrypt(ENDPOINT, stored)).as("after failures on this thread").isEqualTo(secret);
    }

    @Test
    void malformedValuesAreRefusedWithTheReason() {
        SecretCipher cipher = new SecretCipher(List.of(k1));

        assertThatThrownBy(() -> cipher.decrypt(ENDPOINT, "v1:k1:not*base64"))
                .isInstanceOf(UnreadableSecretException.class).hasMessageEndingWith("the ciphertext is not valid base64");
        assertThatThrownBy(() -> cipher.decrypt(ENDPOINT, "v1:k1:AAAA"))
                .isInstanceOf(UnreadableSecretException.class).hasMessageEndingWith("the ciphertext is too short");
        assertThatThrownBy(() -> cipher.decrypt(ENDPOINT, "v9:k1:AAAA"))
                .isInstanceOf(UnreadableSecretException.class)
                .hasMessageEndingWith("stored in format 'v9', which this version does not read (it reads v1)");
        assertThatThrownBy(() -> cipher.decrypt(ENDPOINT, "something else"))
                .isInstanceOf(UnreadableSecretException.class).hasMessageContaining("not a stored secret");
        assertThatThrownBy(() -> cipher.decrypt(ENDPOINT, null))
                .isInstanceOf(UnreadableSecretException.class).hasMessageEndingWith("no value");
    }

    @Test
    void aSecretStillInClearIsReadAsItIsWhenItsPrefixIsNamed() {
        SecretCipher cipher = new SecretCipher(List.of(k1), CLEAR_PREFIX);

        assertThat(cipher.decrypt(ENDPOINT, secret)).isEqualTo(secret);
        assertThat(cipher.isClear(secret)).isTrue();
        assertThatThrownBy(() -> cipher.decryptBytes(ENDPOINT, secret)).as("bytes are never read in clear")
                .isInstanceOf(UnreadableSecretException.class);
        assertThatThrownBy(() -> new SecretCipher(List.of(k1)).decrypt(ENDPOINT, secret))
                .as("without a clear prefix").isInstanceOf(UnreadableSecretException.class);
        assertThat(SecretCipher.keyIdOf(secret)).isNull();
        assertThat(SecretCipher.keyIdOf(cipher.encrypt(ENDPOINT, secret))).isEqualTo("k1");
    }

    @Test
    void afterARotationTheOldKeyStillDecryptsAndTheNewOneEncrypts() {
        SecretCipher before = new SecretCipher(List.of(k1));
        String old = before.encrypt(ENDPOINT, secret);

        SecretCipher rotated = new SecretCipher(List.of(k2, k1));
        String fresh = rotated.encrypt(ENDPOINT, secret);

        assertThat(rotated.currentKeyId()).isEqualTo("k2");
        assertThat(rotated.keyIds()).containsExactly("k2", "k1");
        assertThat(rotated.decrypt(ENDPOINT, old)).isEqualTo(secret);
        assertThat(fresh).startsWith("v1:k2:");
        assertThat(SecretCipher.keyIdOf(fresh)).isEqualTo("k2");
        assertThat(SecretCipher.keyIdOf(old)).isEqualTo("k1");
        assertThatThrownBy(() -> before.decrypt(ENDPOINT, fresh)).isInstanceOf(UnreadableSecretException.class)
                .hasMessageContaining("key 'k2', which is not configured (configured: k1)");

        SecretCipher afterRemoval = new SecretCipher(List.of(k2));
        assertThat(afterRemoval.decrypt(ENDPOINT, fresh)).isEqualTo(secret);
    }

    @Test
    void bytesComeBackFromTheirStoredFormOnlyInTheirContext() {
        SecretCipher cipher = new SecretCipher(List.of(k1));
        byte[] body = ("{\"secret\": \"" + secret + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

        String stored = cipher.encryptBytes("site_a/key-1", body);

        assertThat(stored).startsWith("v1:k1:").doesNotContain(secret);
        assertThat(cipher.decryptBytes("site_a/key-1", stored)).isEqualTo(body);
        assertThatThrownBy(() -> cipher.decryptBytes("site_b/key-1", stored))
                .isInstanceOf(UnreadableSecretException.class).hasMessageContaining("it was altered");
    }

    @Test
    void keysAreRequiredAndTheirIdsUnique() {
        assertThatThrownBy(() -> new SecretCipher(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at least one key is needed");
        assertThatThrownBy(() -> new SecretCipher(List.of(k1, key("k1")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key id 'k1' is given twice");
    }
}
