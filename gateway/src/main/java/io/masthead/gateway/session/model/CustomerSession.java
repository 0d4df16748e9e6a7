package io.masthead.gateway.session.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A customer's session as stored (the token itself is not: only its hash). Times are the site's: a test site's
 * sessions expire on its test clock.
 *
 * @param origin {@link #ORIGIN_LOGIN} (email and password with a publishable key) or {@link #ORIGIN_SUPPORT} (created
 *     with a secret key for support tools)
 * @param apiKeyId the key it was created with
 */
public record CustomerSession(String id, String siteId, boolean livemode, String customerId, String origin,
        String apiKeyId, Instant createdAt, Instant expiresAt, Instant revokedAt) {

    public static final String ID_PREFIX = "cse";
    public static final String ORIGIN_LOGIN = "login";
    public static final String ORIGIN_SUPPORT = "support";

    public CustomerSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("a session expires after it starts");
        }
    }

    /** Whether the token acts for its customer at {@code siteNow}: not revoked, and before its expiry. */
    public boolean activeAt(Instant siteNow) {
        return revokedAt == null && siteNow.isBefore(expiresAt);
    }
}
