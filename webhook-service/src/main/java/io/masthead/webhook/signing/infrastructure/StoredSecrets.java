package io.masthead.webhook.signing.infrastructure;

import io.masthead.platform.crypto.SecretCipher;
import io.masthead.platform.crypto.UnreadableSecretException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signing secrets as the repositories store and read them: encrypted on the way in, decrypted on the way out
 * ({@link SecretCipher}). Decrypting is one AES-GCM operation per secret, cheap enough for the hot path.
 */
public final class StoredSecrets {

    private static final Logger log = LoggerFactory.getLogger(StoredSecrets.class);

    private final SecretCipher cipher;

    public StoredSecrets(SecretCipher cipher) {
        this.cipher = cipher;
    }

    /** The value to store for {@code secret}, a signing secret of endpoint {@code endpointId}. */
    public String encrypt(String endpointId, String secret) {
        return cipher.encrypt(endpointId, secret);
    }

    /** The secret, or empty (logged) when the configured keys cannot decrypt it. */
    public Optional<String> decrypt(String endpointId, String stored) {
        try {
            return Optional.of(cipher.decrypt(endpointId, stored));
        } catch (UnreadableSecretException e) {
            log.error("Leaving out a signing secret: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The secrets an endpoint signs with, in the order stored. One that cannot be decrypted is logged and left out:
     * it must not stop the endpoint's other secrets, nor other endpoints' deliveries (an endpoint left with none
     * fails its attempts visibly, "no active signing secret").
     */
    public List<String> signing(String endpointId, String[] stored) {
        if (stored == null || stored.length == 0) {
            return List.of();
        }
        List<String> secrets = new ArrayList<>(stored.length);
        for (String value : stored) {
            decrypt(endpointId, value).ifPresent(secrets::add);
        }
        return List.copyOf(secrets);
    }
}
