package io.masthead.gateway.auth.application;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.masthead.platform.security.Caller;
import io.masthead.platform.security.InternalTokenIssuer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The internal token forwarded for a caller. Signing RS256 costs about a millisecond of CPU, too much
 * to pay on every request at 1,000+ req/s, so a token is reused for a fifth of its lifetime (at most a
 * minute): every forwarded token still has at least four fifths of its lifetime left.
 */
public class InternalTokens {

    private record Minted(String token, Instant issuedAt) {
    }

    private final InternalTokenIssuer issuer;
    private final Clock clock;
    private final Duration reuse;
    private final Cache<Caller, Minted> cache;

    public InternalTokens(InternalTokenIssuer issuer, Clock clock, Duration ttl) {
        this.issuer = issuer;
        this.clock = clock;
        Duration fifth = ttl.dividedBy(5);
        this.reuse = fifth.compareTo(Duration.ofMinutes(1)) < 0 ? fifth : Duration.ofMinutes(1);
        this.cache = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(reuse).build();
    }

    public String tokenFor(Caller caller) {
        Instant now = clock.instant();
        Minted minted = cache.getIfPresent(caller);
        // The clock may be moved (tests, simulated time): reuse only within the window by that clock too.
        if (minted == null || now.isBefore(minted.issuedAt()) || !now.isBefore(minted.issuedAt().plus(reuse))) {
            minted = new Minted(issuer.mint(caller), now);
            cache.put(caller, minted);
        }
        return minted.token();
    }
}
