package io.masthead.customer.credential.model;

import java.util.Locale;
import java.util.Optional;

/**
 * How a stored password was hashed. The store records it beside the hash because some formats cannot be told
 * apart by their text (an MD5 hex digest and a plain-text password that happens to look like one).
 */
public enum HashAlgorithm {
    /** Ours: bcrypt over base64(HMAC-SHA384(password)), so every byte of a long password counts. */
    BCRYPT_SHA384("bcrypt-sha384"),
    /** Plain bcrypt ({@code $2a$}, {@code $2b$}, {@code $2y$}), e.g. from PHP's {@code password_hash}. */
    BCRYPT("bcrypt"),
    /** WordPress: {@code $wp$2y$...} (6.8+), phpass {@code $P$...}, plain bcrypt, or an old bare MD5 digest. */
    WORDPRESS("wordpress"),
    /** Drupal 7 to 10.0: {@code $S$...} (SHA-512 phpass), {@code U$S$...}, phpass {@code $P$}/{@code $H$}, bcrypt. */
    DRUPAL("drupal"),
    /** An unsalted MD5 hex digest. */
    MD5("md5"),
    /** The password itself, as some legacy systems kept it. */
    PLAINTEXT("plaintext");

    private final String wireName;

    HashAlgorithm(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<HashAlgorithm> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        for (HashAlgorithm algorithm : values()) {
            if (algorithm.wireName.equals(wanted)) {
                return Optional.of(algorithm);
            }
        }
        return Optional.empty();
    }
}
