package io.masthead.gateway.apikey.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A publishable key: {@code pk_test_} or {@code pk_live_} followed by 32 random base62 characters. Safe in a web
 * page, it identifies the site and grants nothing but customer login ({@code POST /v1/auth/login}). Stored as its
 * SHA-256, like a secret key; shown once at creation.
 */
public final class PublishableKey {

    private static final String TEST = "pk_test_";
    private static final String LIVE = "pk_live_";
    private static final Pattern FORMAT = Pattern.compile("pk_(test|live)_[0-9A-Za-z]{" + SecretKey.RANDOM_LENGTH + ",120}");

    private final String value;

    private PublishableKey(String value) {
        this.value = value;
    }

    public static PublishableKey generate(boolean livemode, RandomGenerator random) {
        return new PublishableKey(SecretKey.randomKey(livemode ? LIVE : TEST, SecretKey.RANDOM_LENGTH, random));
    }

    public static Optional<PublishableKey> parse(String candidate) {
        return candidate != null && FORMAT.matcher(candidate).matches()
                ? Optional.of(new PublishableKey(candidate))
                : Optional.empty();
    }

    public boolean livemode() {
        return value.startsWith(LIVE);
    }

    public String hash() {
        return SecretKey.hashOf(value);
    }

    public String prefix() {
        return value.substring(0, SecretKey.PREFIX_LENGTH);
    }

    public String reveal() {
        return value;
    }

    public static boolean isLivePrefix(String prefix) {
        return prefix.startsWith(LIVE);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PublishableKey key && MessageDigest.isEqual(
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
