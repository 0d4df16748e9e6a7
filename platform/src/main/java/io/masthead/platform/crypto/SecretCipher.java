package io.masthead.platform.crypto;

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
 * Values encrypted at rest with a service's keys (secrets that cannot be hashed, such as webhook signing secrets,
 * and stored responses that carry one): AES-256-GCM under the current key, a random 12-byte nonce per encryption,
 * and a context (what the value belongs to: an endpoint id, a site and idempotency key) as associated data, so that
 * a value copied to another row does not decrypt. A stored value reads
 * {@code v1:<key id>:<base64(nonce | ciphertext | tag)>}.
 *
 * <p>The first key encrypts; every key decrypts, so a key is rotated by putting a new one first and keeping the
 * old one until every value has been encrypted again ({@link #keyIdOf} names the key of a value). A service whose
 * values were once stored in clear names their prefix ({@code whsec_} for webhook secrets): such values are read
 * as they are by {@link #decrypt}, until they are encrypted too.
 */
public final class SecretCipher {

    public static final String VERSION = "v1";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Decrypting is on the hot path: a cipher per thread, initialised afresh for each value, is cheaper than a new one. */
    private static final ThreadLocal<Cipher> DECRYPTING = ThreadLocal.withInitial(SecretCipher::newCipher);

    private final String currentKeyId;
    private final String clearPrefix;
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** @param keys the current key first, then the older ones that still decrypt */
    public SecretCipher(List<EncryptionKey> keys) {
        this(keys, null);
    }

    /**
     * @param keys the current key first, then the older ones that still decrypt
     * @param clearPrefix the prefix of values stored in clear before encryption at rest, read as they are; or null
     */
    public SecretCipher(List<EncryptionKey> keys, String clearPrefix) {
        this.clearPrefix = clearPrefix == null || clearPrefix.isEmpty() ? null : clearPrefix;
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

    /** The stored form of {@code secret}, a secret of {@code context} (e.g. an endpoint), under the current key. */
    public String encrypt(String context, String secret) {
        return encryptBytes(context, secret.getBytes(StandardCharsets.UTF_8));
    }

    /** The stored form of {@code value}, bytes of {@code context}, under the current key. */
    public String encryptBytes(String context, byte[] value) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed;
        try {
            Cipher cipher = newCipher();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            sealed = cipher.doFinal(value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
        byte[] out = new byte[NONCE_BYTES + sealed.length];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
        return VERSION + ":" + currentKeyId + ":" + Base64.getEncoder().encodeToString(out);
    }

    /**
     * The secret of {@code context} from its stored form (a value still in clear is returned as it is).
     *
     * @throws UnreadableSecretException when the value is not in a known format, names a key that is not configured,
     *         or does not decrypt (altered, or stored for another context)
     */
    public String decrypt(String context, String stored) {
        if (stored != null && isClear(stored)) {
            return stored;
        }
        return new String(decryptBytes(context, stored), StandardCharsets.UTF_8);
    }

    /**
     * The bytes of {@code context} from their stored form ({@link #encryptBytes}); never read in clear.
     *
     * @throws UnreadableSecretException as {@link #decrypt}
     */
    public byte[] decryptBytes(String context, String stored) {
        if (stored == null) {
            throw new UnreadableSecretException(context, "no value");
        }
        String[] parts = stored.split(":", 3);
        if (parts.length != 3) {
            throw new UnreadableSecretException(context, "not a stored secret (expected " + VERSION
                    + ":<key id>:<base64>" + (clearPrefix == null ? "" : " or " + clearPrefix + "...") + ")");
        }
        if (!parts[0].equals(VERSION)) {
            throw new UnreadableSecretException(context, "stored in format '" + parts[0]
                    + "', which this version does not read (it reads " + VERSION + ")");
        }
        SecretKeySpec key = keys.get(parts[1]);
        if (key == null) {
            throw new UnreadableSecretException(context, "encrypted under key '" + parts[1]
                    + "', which is not configured (configured: " + String.join(", ", keys.keySet()) + ")");
        }
        byte[] in;
        try {
            in = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new UnreadableSecretException(context, "the ciphertext is not valid base64");
        }
        if (in.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new UnreadableSecretException(context, "the ciphertext is too short");
        }
        try {
            Cipher cipher = DECRYPTING.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new UnreadableSecretException(context, "it does not decrypt under key '" + parts[1]
                    + "': it was altered, or it belongs to another record");
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
        if (stored == null) {
            return null;
        }
        String[] parts = stored.split(":", 3);
        return parts.length == 3 && parts[0].equals(VERSION) ? parts[1] : null;
    }

    /** Whether a stored value is a secret from before encryption at rest (it starts with the clear prefix). */
    public boolean isClear(String stored) {
        return clearPrefix != null && stored.startsWith(clearPrefix);
    }
}
