package io.masthead.webhook.endpoint.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rotating a signing secret without downtime: the new secret signs at once, and every secret still active
 * keeps signing beside it until {@code now + grace} (never longer than it already would), so receivers can
 * switch whenever they like within the grace period. A grace of zero retires the old secrets immediately.
 */
public final class SecretRotation {

    public static final Duration MAX_GRACE = Duration.ofDays(7);

    private SecretRotation() {
    }

    /** An endpoint's signing secret: current while {@code expiresAt} is null, then until it. */
    public record Secret(String id, String value, Instant createdAt, Instant expiresAt) {

        public boolean activeAt(Instant now) {
            return expiresAt == null || expiresAt.isAfter(now);
        }
    }

    /** The secrets after rotating in {@code fresh} at {@code now}; expired ones are dropped. */
    public static List<Secret> rotate(List<Secret> existing, Secret fresh, Instant now, Duration grace) {
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw new IllegalArgumentException("grace must be between 0 and " + MAX_GRACE);
        }
        Instant until = now.plus(grace);
        List<Secret> result = new ArrayList<>();
        result.add(fresh);
        for (Secret secret : existing) {
            if (!secret.activeAt(now) || grace.isZero()) {
                continue;
            }
            Instant expiry = secret.expiresAt() == null || secret.expiresAt().isAfter(until) ? until : secret.expiresAt();
            result.add(new Secret(secret.id(), secret.value(), secret.createdAt(), expiry));
        }
        return result;
    }

    /** The secrets that sign at {@code now}, newest first. */
    public static List<String> signingSecrets(List<Secret> secrets, Instant now) {
        return secrets.stream().filter(s -> s.activeAt(now))
                .sorted((a, b) -> b.createdAt().compareTo(a.createdAt()))
                .map(Secret::value).toList();
    }
}
