package io.masthead.platform.security;

import io.masthead.platform.web.Problems;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.server.WebFilter;

/**
 * Services are OAuth2 resource servers: they accept only the short-lived RS256 token the gateway mints
 * ({@link InternalToken}), and put its {@link Caller} in the exchange for every handler and filter.
 */
@AutoConfiguration
@EnableWebFluxSecurity
@ConditionalOnProperty(name = "masthead.security.resource-server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SecurityProperties.class)
public class ResourceServerAutoConfiguration {

    @Bean
    ReactiveJwtDecoder internalTokenDecoder(SecurityProperties properties) {
        if (properties.publicKeyLocation() == null) {
            throw new IllegalStateException("masthead.security.jwt.public-key-location is required");
        }
        String pem;
        try {
            pem = properties.publicKeyLocation().getContentAsString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + properties.publicKeyLocation(), e);
        }
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey(PemKeys.publicFromPem(pem)).build();
        OAuth2TokenValidator<Jwt> audience = jwt -> jwt.getAudience() != null
                && jwt.getAudience().contains(InternalToken.AUDIENCE)
                        ? OAuth2TokenValidatorResult.success()
                        : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "wrong audience", null));
        OAuth2TokenValidator<Jwt> claims = jwt -> jwt.getClaimAsString(InternalToken.CLAIM_SITE) != null
                && jwt.getClaimAsString(InternalToken.CLAIM_ROLE) != null
                        ? OAuth2TokenValidatorResult.success()
                        : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "missing claims", null));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefaultWithIssuer(InternalToken.ISSUER), audience, claims));
        return decoder;
    }

    @Bean
    SecurityWebFilterChain resourceServerFilterChain(ServerHttpSecurity http) {
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .authorizeExchange(ex -> ex
                        // /actuator/** is served on the management port only (ManagementPortDefaults): on the
                        // public port those paths are unknown, and answer 404 rather than 401
                        .pathMatchers("/actuator/**", "/livez", "/readyz", "/v3/api-docs/**", "/v3/api-docs")
                        .permitAll()
                        .anyExchange().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> {
                        })
                        .authenticationEntryPoint((exchange, ex) -> {
                            exchange.getResponse().getHeaders().set("WWW-Authenticate", "Bearer");
                            return Problems.write(exchange.getResponse(), HttpStatus.UNAUTHORIZED, "unauthorized",
                                    "Unauthorized", "A valid internal token is required", 
                                    exchange.getRequest().getPath().value(), List.of());
                        })
                        .accessDeniedHandler((exchange, ex) -> Problems.write(exchange.getResponse(),
                                HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "Not allowed for this caller",
                                exchange.getRequest().getPath().value(), List.of())))
                .addFilterAt(callerFilter(), SecurityWebFiltersOrder.AUTHORIZATION)
                .build();
    }

    /** Copies the verified token's claims into a {@link Caller} on the exchange. */
    private static WebFilter callerFilter() {
        return (exchange, chain) -> exchange.getPrincipal()
                .filter(p -> p instanceof org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken)
                .map(p -> ((org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken) p).getToken())
                .doOnNext(jwt -> CallerContext.set(exchange, toCaller(jwt)))
                .then(chain.filter(exchange));
    }

    static Caller toCaller(Jwt jwt) {
        Boolean livemode = jwt.getClaimAsBoolean(InternalToken.CLAIM_LIVEMODE);
        return new Caller(jwt.getClaimAsString(InternalToken.CLAIM_SITE),
                Caller.Role.fromClaim(jwt.getClaimAsString(InternalToken.CLAIM_ROLE)),
                jwt.getClaimAsString(InternalToken.CLAIM_CUSTOMER), Boolean.TRUE.equals(livemode));
    }
}
