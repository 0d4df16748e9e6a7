package io.masthead.gateway.apikey.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A site's API key as stored: everything but the secret. {@code kind} is {@code secret} for now
 * (publishable keys may follow).
 */
public record ApiKey(String id, String siteId, String kind, String prefix, String hash, Instant createdAt,
        Instant revokedAt, Instant lastUsedAt) {

    public static final String ID_PREFIX = "key";
    public static final String KIND_SECRET = "secret";

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A new, active secret key of a site. */
    public static ApiKey issue(String id, String siteId, SecretKey secret, Instant now) {
        return new ApiKey(id, siteId, KIND_SECRET, secret.prefix(), secret.hash(), now, null, null);
    }

    public boolean livemode() {
        return SecretKey.isLivePrefix(prefix);
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
