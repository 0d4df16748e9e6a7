package io.masthead.gateway.apikey.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A secret API key: {@code sk_test_} or {@code sk_live_} followed by at least 32 random base62
 * characters (about 190 bits). Only its SHA-256 {@link #hash()} is stored; a fast hash is right because
 * the secret is long and random, so there is nothing to brute-force. {@link #toString()} never shows it.
 */
public final class SecretKey {

    public static final int RANDOM_LENGTH = 32;
    /** How much of the key is kept to recognise it in lists: {@code sk_test_} plus four characters. */
    public static final int PREFIX_LENGTH = 12;

    private static final String TEST = "sk_test_";
    private static final String LIVE = "sk_live_";
    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("sk_(test|live)_[0-9A-Za-z]{" + RANDOM_LENGTH + ",120}");

    private final String value;

    private SecretKey(String value) {
        this.value = value;
    }

    /** A new key; {@code random} must be a cryptographically strong generator (a {@code SecureRandom}). */
    public static SecretKey generate(boolean livemode, RandomGenerator random) {
        return new SecretKey(randomKey(livemode ? LIVE : TEST, RANDOM_LENGTH, random));
    }

    /** {@code prefix} followed by {@code length} random base62 characters. */
    public static String randomKey(String prefix, int length, RandomGenerator random) {
        StringBuilder key = new StringBuilder(prefix.length() + length).append(prefix);
        for (int i = 0; i < length; i++) {
            key.append(BASE62[random.nextInt(BASE62.length)]);
        }
        return key.toString();
    }

    /** The key in {@code candidate}, or empty when it does not have the shape of a secret key. */
    public static Optional<SecretKey> parse(String candidate) {
        return candidate != null && FORMAT.matcher(candidate).matches()
                ? Optional.of(new SecretKey(candidate))
                : Optional.empty();
    }

    public boolean livemode() {
        return value.startsWith(LIVE);
    }

    /** The lowercase hex SHA-256 of the whole key: what the database stores and lookups use. */
    public String hash() {
        return hashOf(value);
    }

    public String prefix() {
        return value.substring(0, PREFIX_LENGTH);
    }

    /** The secret itself: only to show once at creation or write to the dev-site key file. */
    public String reveal() {
        return value;
    }

    /** The lowercase hex SHA-256 of a key or token, as stored. */
    public static String hashOf(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    /** Whether a prefix as stored belongs to a live-mode key. */
    public static boolean isLivePrefix(String prefix) {
        return prefix.startsWith(LIVE);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SecretKey key && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.US_ASCII), key.value.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return prefix() + "…";
    }
}
