package io.masthead.webhook.signing.model;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing secrets encrypted at rest (they cannot be hashed: we sign with them): AES-256-GCM under the current key,
 * a random 12-byte nonce per encryption, and the endpoint id as associated data, so that a value copied to another
 * endpoint's row does not decrypt. A stored value reads {@code v1:<key id>:<base64(nonce | ciphertext | tag)>}.
 *
 * <p>The first key encrypts; every key decrypts, so a key is rotated by putting a new one first and keeping the
 * old one until every value has been encrypted again ({@link #keyIdOf} names the key of a value). Values from
 * before encryption ({@code whsec_...} in clear) are read as they are, until they are encrypted too.
 */
public final class SecretCipher {

    public static final String VERSION = "v1";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String CLEAR_PREFIX = WebhookSignature.SECRET_PREFIX;
    /** Decrypting is on the hot path: a cipher per thread, initialised afresh for each value, is cheaper than a new one. */
    private static final ThreadLocal<Cipher> DECRYPTING = ThreadLocal.withInitial(SecretCipher::newCipher);

    private final String currentKeyId;
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** @param keys the current key first, then the older ones that still decrypt */
    public SecretCipher(List<EncryptionKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one key is needed");
        }
        for (EncryptionKey key : keys) {
            if (this.keys.putIfAbsent(key.id(), new SecretKeySpec(key.material(), "AES")) != null) {
                throw new IllegalArgumentException("key id '" + key.id() + "' is given twice");
            }
        }
        this.currentKeyId = keys.getFirst().id();
    }

    public String currentKeyId() {
        return currentKeyId;
    }

    /** The ids of the keys that decrypt, the current one first. */
    public List<String> keyIds() {
        return List.copyOf(keys.keySet());
    }

    /** The stored form of {@code secret}, an endpoint's signing secret, under the current key. */
    public String encrypt(String endpointId, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher cipher = newCipher();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(endpointId.getBytes(StandardCharsets.UTF_8));
            sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
        byte[] out = new byte[NONCE_BYTES + sealed.length];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
        return VERSION + ":" + currentKeyId + ":" + Base64.getEncoder().encodeToString(out);
    }

    /**
     * The signing secret of endpoint {@code endpointId} from its stored form (a value still in clear is returned as
     * it is).
     *
     * @throws UnreadableSecretException when the value is not in a known format, names a key that is not configured,
     *         or does not decrypt (altered, or stored for another endpoint)
     */
    public String decrypt(String endpointId, String stored) {
        if (stored == null) {
            throw new UnreadableSecretException(endpointId, "no value");
        }
        if (isClear(stored)) {
            return stored;
        }
        String[] parts = stored.split(":", 3);
        if (parts.length != 3) {
            throw new UnreadableSecretException(endpointId,
                    "not a stored secret (expected " + VERSION + ":<key id>:<base64> or whsec_...)");
        }
        if (!parts[0].equals(VERSION)) {
            throw new UnreadableSecretException(endpointId, "stored in format '" + parts[0]
                    + "', which this version does not read (it reads " + VERSION + ")");
        }
        SecretKeySpec key = keys.get(parts[1]);
        if (key == null) {
            throw new UnreadableSecretException(endpointId, "encrypted under key '" + parts[1]
                    + "', which is not configured (configured: " + String.join(", ", keys.keySet()) + ")");
        }
        byte[] in;
        try {
            in = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new UnreadableSecretException(endpointId, "the ciphertext is not valid base64");
        }
        if (in.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new UnreadableSecretException(endpointId, "the ciphertext is too short");
        }
        try {
            Cipher cipher = DECRYPTING.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(endpointId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new UnreadableSecretException(endpointId, "it does not decrypt under key '" + parts[1]
                    + "': it was altered, or it belongs to another endpoint");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The id of the key a stored value names, or null for a value in clear or in an unknown format. */
    public static String keyIdOf(String stored) {
        if (stored == null || isClear(stored)) {
            return null;
        }
        String[] parts = stored.split(":", 3);
        return parts.length == 3 && parts[0].equals(VERSION) ? parts[1] : null;
    }

    /** Whether a stored value is a secret from before encryption at rest. */
    public static boolean isClear(String stored) {
        return stored.startsWith(CLEAR_PREFIX);
    }
}
