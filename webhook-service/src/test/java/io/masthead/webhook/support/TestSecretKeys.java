package io.masthead.webhook.support;

import io.masthead.platform.crypto.EncryptionKey;
import io.masthead.platform.crypto.SecretCipher;
import io.masthead.webhook.signing.model.WebhookSignature;
import java.util.List;

/**
 * The fixed keys that encrypt signing secrets at rest in webhook-service's tests (never used anywhere else): the
 * current one, and a previous one that still decrypts, as during a key rotation.
 */
public final class TestSecretKeys {

    public static final String CURRENT_ID = "test-current";
    public static final String CURRENT = "yeg3n1FZEMxt6LoQYeusfAo9+9DUldKYhN64u7/obV4=";
    public static final String PREVIOUS_ID = "test-previous";
    public static final String PREVIOUS = "EkU8LNgfYQYg5cR7SXbObKHQMQyx/wfwOk9I3ArZl2k=";

    private static final String PROPERTY = "masthead.webhooks.secret-encryption.keys";
    /** The properties of the test configuration, as {@code key=value} (constants, for annotations). */
    public static final String CURRENT_ID_PROPERTY = PROPERTY + "[0].id=" + CURRENT_ID;
    public static final String CURRENT_KEY_PROPERTY = PROPERTY + "[0].key=" + CURRENT;
    public static final String PREVIOUS_ID_PROPERTY = PROPERTY + "[1].id=" + PREVIOUS_ID;
    public static final String PREVIOUS_KEY_PROPERTY = PROPERTY + "[1].key=" + PREVIOUS;

    private TestSecretKeys() {
    }

    /** A cipher of the current key only (its values are what the service stores). */
    public static SecretCipher current() {
        return new SecretCipher(List.of(EncryptionKey.fromBase64(CURRENT_ID, CURRENT)), WebhookSignature.SECRET_PREFIX);
    }

    /** A cipher whose current key is the test's previous key (to write values as an older version did). */
    public static SecretCipher previous() {
        return new SecretCipher(List.of(EncryptionKey.fromBase64(PREVIOUS_ID, PREVIOUS)), WebhookSignature.SECRET_PREFIX);
    }
}
