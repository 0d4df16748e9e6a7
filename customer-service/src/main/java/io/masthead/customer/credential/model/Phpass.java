package io.masthead.customer.credential.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The phpass family of iterated, salted hashes, as PHP applications wrote them: the portable MD5 form
 * ({@code $P$} in WordPress before 6.8, {@code $H$} in phpBB; 34 characters) and Drupal's SHA-512 form
 * ({@code $S$}, Drupal 7 to 10.0; 55 characters). A hash is {@code $X$}, one character giving log2 of the
 * iteration count, 8 characters of salt, then the digest in phpass's own base64. The digest is
 * {@code H(salt + password)}, then {@code count} times {@code H(digest + password)}.
 *
 * <p>phpass itself accepts a log2 up to 30; we accept at most {@link #MAX_COUNT_LOG2} (WordPress writes 8, Drupal 7
 * 15), so that a stored hash cannot make one check take minutes of a hashing thread. A hash above it does not
 * verify.
 */
public final class Phpass {

    static final String ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /** Drupal keeps the first 55 characters of a SHA-512 hash ({@code DRUPAL_HASH_LENGTH}). */
    static final int DRUPAL_HASH_LENGTH = 55;
    /** Drupal refuses longer passwords ({@code DRUPAL_MAX_PASSWORD_LENGTH}); phpass callers capped them too. */
    static final int MAX_PASSWORD_BYTES = 4096;
    /** The smallest log2 of the iteration count phpass writes. */
    static final int MIN_COUNT_LOG2 = 7;
    /** The largest log2 of the iteration count we check (2^18 rounds); WordPress writes 8, Drupal 7 writes 15. */
    public static final int MAX_COUNT_LOG2 = 18;

    private Phpass() {
    }

    /** Whether {@code password} matches a {@code $P$}, {@code $H$} or {@code $S$} hash. */
    public static boolean matches(String password, String stored) {
        return matches(password.getBytes(StandardCharsets.UTF_8), stored);
    }

    static boolean matches(byte[] password, String stored) {
        String computed = crypt(password, stored);
        return computed != null && MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                stored.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether the text starts like a phpass hash this class can check. */
    public static boolean isPhpass(String stored) {
        return stored.startsWith("$P$") || stored.startsWith("$H$") || stored.startsWith("$S$");
    }

    /** log2 of the iteration count of a phpass hash, or -1 when the text has no such character. */
    public static int countLog2(String stored) {
        return isPhpass(stored) && stored.length() > 3 ? ITOA64.indexOf(stored.charAt(3)) : -1;
    }

    /** The hash of {@code password} with the settings (type, count, salt) of {@code setting}; null if malformed. */
    static String crypt(byte[] password, String setting) {
        if (setting.length() < 12 || password.length > MAX_PASSWORD_BYTES) {
            return null;
        }
        String type = setting.substring(0, 3);
        String algorithm = switch (type) {
            case "$P$", "$H$" -> "MD5";
            case "$S$" -> "SHA-512";
            default -> null;
        };
        if (algorithm == null) {
            return null;
        }
        int countLog2 = ITOA64.indexOf(setting.charAt(3));
        if (countLog2 < MIN_COUNT_LOG2 || countLog2 > MAX_COUNT_LOG2) {
            return null;
        }
        String salt = setting.substring(4, 12);
        if (!salt.chars().allMatch(c -> ITOA64.indexOf(c) >= 0)) {
            return null;
        }
        MessageDigest digest = digest(algorithm);
        digest.update(salt.getBytes(StandardCharsets.US_ASCII));
        digest.update(password);
        byte[] hash = digest.digest();
        for (long count = 1L << countLog2; count > 0; count--) {
            digest.update(hash);
            digest.update(password);
            hash = digest.digest();
        }
        String output = setting.substring(0, 12) + encode64(hash);
        return type.equals("$S$") ? output.substring(0, DRUPAL_HASH_LENGTH) : output;
    }

    /** phpass's base64: little-endian groups of 6 bits, alphabet {@link #ITOA64}, no padding. */
    static String encode64(byte[] input) {
        StringBuilder output = new StringBuilder();
        int count = input.length;
        int i = 0;
        do {
            int value = input[i++] & 0xff;
            output.append(ITOA64.charAt(value & 0x3f));
            if (i < count) {
                value |= (input[i] & 0xff) << 8;
            }
            output.append(ITOA64.charAt((value >> 6) & 0x3f));
            if (i++ >= count) {
                break;
            }
            if (i < count) {
                value |= (input[i] & 0xff) << 16;
            }
            output.append(ITOA64.charAt((value >> 12) & 0x3f));
            if (i++ >= count) {
                break;
            }
            output.append(ITOA64.charAt((value >> 18) & 0x3f));
        } while (i < count);
        return output.toString();
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is a required JDK algorithm", e);
        }
    }
}
