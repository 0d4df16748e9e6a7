package io.masthead.platform.security;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/** Mints the internal RS256 token for a {@link Caller}. Used by the gateway (and by tests). */
public final class InternalTokenIssuer {

    private final NimbusJwtEncoder encoder;
    private final Clock clock;
    private final Duration ttl;

    public InternalTokenIssuer(RSAPrivateKey privateKey, Clock clock, Duration ttl) {
        this(PemKeys.publicOf(privateKey), privateKey, clock, ttl);
    }

    public InternalTokenIssuer(RSAPublicKey publicKey, RSAPrivateKey privateKey, Clock clock, Duration ttl) {
        RSAKey jwk = new RSAKey.Builder(publicKey).privateKey(privateKey).keyID("masthead-internal").build();
        this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new com.nimbusds.jose.jwk.JWKSet(jwk)));
        this.clock = clock;
        this.ttl = ttl;
    }

    public String mint(Caller caller) {
        Instant now = clock.instant();
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(InternalToken.ISSUER)
                .audience(List.of(InternalToken.AUDIENCE))
                .subject(caller.customerId() != null ? caller.customerId() : caller.siteId())
                .id(UUID.randomUUID().toString())
                .issuedAt(now)
                .notBefore(now.minusSeconds(5))
                .expiresAt(now.plus(ttl))
                .claim(InternalToken.CLAIM_SITE, caller.siteId())
                .claim(InternalToken.CLAIM_ROLE, caller.role().claimValue())
                .claim(InternalToken.CLAIM_LIVEMODE, caller.livemode());
        if (caller.customerId() != null) {
            claims.claim(InternalToken.CLAIM_CUSTOMER, caller.customerId());
        }
        JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId("masthead-internal").build();
        return encoder.encode(JwtEncoderParameters.from(header, claims.build())).getTokenValue();
    }
}
