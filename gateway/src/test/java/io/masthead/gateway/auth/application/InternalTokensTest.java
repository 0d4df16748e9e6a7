package io.masthead.gateway.auth.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.security.Caller;
import io.masthead.platform.security.InternalTokenIssuer;
import io.masthead.platform.security.PemKeys;
import io.masthead.platform.time.MutableClock;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InternalTokensTest {

    private static final KeyPair KEYS = PemKeys.generateRsa();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InternalTokens tokens = new InternalTokens(
            new InternalTokenIssuer((RSAPrivateKey) KEYS.getPrivate(), clock, Duration.ofMinutes(5)), clock,
            Duration.ofMinutes(5));

    @Test
    void aTokenIsReusedForAMinuteThenMintedAgain() {
        Caller caller = Caller.admin("site_a", false);
        String first = tokens.tokenFor(caller);

        clock.advance(Duration.ofSeconds(59));
        assertThat(tokens.tokenFor(caller)).isEqualTo(first);

        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.tokenFor(caller)).isNotEqualTo(first);
    }

    @Test
    void eachCallerHasItsOwnToken() {
        assertThat(tokens.tokenFor(Caller.admin("site_a", false)))
                .isNotEqualTo(tokens.tokenFor(Caller.admin("site_b", false)))
                .isNotEqualTo(tokens.tokenFor(Caller.admin("site_a", true)));
    }

    @Test
    void aClockMovedBackDoesNotReuseATokenFromTheFuture() {
        Caller caller = Caller.admin("site_a", false);
        String first = tokens.tokenFor(caller);

        clock.advance(Duration.ofSeconds(-10));
        assertThat(tokens.tokenFor(caller)).isNotEqualTo(first);
    }
}
