package io.masthead.gateway.apikey.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A site's API key as stored: everything but the key itself. {@code kind} is {@code secret} (the site's admin) or
 * {@code publishable} (safe in a web page: it only logs customers in).
 */
public record ApiKey(String id, String siteId, String kind, String prefix, String hash, Instant createdAt,
        Instant revokedAt, Instant lastUsedAt) {

    public static final String ID_PREFIX = "key";
    public static final String KIND_SECRET = "secret";
    public static final String KIND_PUBLISHABLE = "publishable";

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

    /** A new, active publishable key of a site. */
    public static ApiKey issue(String id, String siteId, PublishableKey key, Instant now) {
        return new ApiKey(id, siteId, KIND_PUBLISHABLE, key.prefix(), key.hash(), now, null, null);
    }

    public boolean livemode() {
        return SecretKey.isLivePrefix(prefix) || PublishableKey.isLivePrefix(prefix);
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
