package io.masthead.gateway.session.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A customer session token: {@code cst_test_} or {@code cst_live_} followed by 43 random base62 characters (about
 * 256 bits). Opaque: it means nothing by itself; the gateway keeps only its SHA-256 (a fast hash is right for a long
 * random value) and looks the session up by it. {@link #toString()} never shows it.
 */
public final class SessionToken {

    public static final int RANDOM_LENGTH = 43;
    private static final String TEST = "cst_test_";
    private static final String LIVE = "cst_live_";
    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final Pattern FORMAT = Pattern.compile("cst_(test|live)_[0-9A-Za-z]{" + RANDOM_LENGTH + "}");

    private final String value;

    private SessionToken(String value) {
        this.value = value;
    }

    /** A new token; {@code random} must be a cryptographically strong generator. */
    public static SessionToken generate(boolean livemode, RandomGenerator random) {
        StringBuilder token = new StringBuilder(LIVE.length() + RANDOM_LENGTH).append(livemode ? LIVE : TEST);
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            token.append(BASE62[random.nextInt(BASE62.length)]);
        }
        return new SessionToken(token.toString());
    }

    public static Optional<SessionToken> parse(String candidate) {
        return candidate != null && FORMAT.matcher(candidate).matches()
                ? Optional.of(new SessionToken(candidate))
                : Optional.empty();
    }

    /** Whether the text starts like a session token (to tell it from a key before parsing). */
    public static boolean looksLikeOne(String candidate) {
        return candidate.startsWith("cst_");
    }

    public boolean livemode() {
        return value.startsWith(LIVE);
    }

    /** The lowercase hex SHA-256 of the token: what the database stores and lookups use. */
    public String hash() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    /** The token itself: only for the response that creates the session. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return value.substring(0, value.indexOf('_', 4) + 1) + "…";
    }
}
