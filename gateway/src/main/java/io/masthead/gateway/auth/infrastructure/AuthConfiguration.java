package io.masthead.gateway.auth.infrastructure;

import io.masthead.gateway.apikey.application.ApiKeyService;
import io.masthead.gateway.auth.application.ApiKeyAuthenticator;
import io.masthead.gateway.auth.application.AuthProperties;
import io.masthead.gateway.auth.application.InternalTokens;
import io.masthead.gateway.auth.application.JwtProperties;
import io.masthead.gateway.auth.web.ApiKeyAuthenticationFilter;
import io.masthead.gateway.session.application.SessionService;
import io.masthead.platform.security.InternalTokenIssuer;
import io.masthead.platform.security.PemKeys;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * API-key authentication and internal-token minting. Spring Security is on the classpath (the platform
 * brings the resource-server support services use); in the gateway its chain permits everything and
 * {@link ApiKeyAuthenticationFilter} does the authenticating, for routed and local requests alike.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableWebFluxSecurity
@EnableConfigurationProperties({AuthProperties.class, JwtProperties.class})
public class AuthConfiguration {

    @Bean
    SecurityWebFilterChain gatewaySecurityFilterChain(ServerHttpSecurity http) {
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .build();
    }

    @Bean
    ApiKeyAuthenticator apiKeyAuthenticator(ApiKeyService apiKeys, AuthProperties properties) {
        return new ApiKeyAuthenticator(apiKeys, properties);
    }

    @Bean
    InternalTokens internalTokens(JwtProperties properties, Clock clock) {
        RSAPrivateKey key = PemKeys.readPrivate(keyFile(properties.privateKeyLocation()));
        return new InternalTokens(new InternalTokenIssuer(key, clock, properties.ttl()), clock, properties.ttl());
    }

    @Bean
    ApiKeyAuthenticationFilter apiKeyAuthenticationFilter(ApiKeyAuthenticator authenticator, SessionService sessions,
            InternalTokens tokens) {
        return new ApiKeyAuthenticationFilter(authenticator, sessions, tokens);
    }

    static Path keyFile(String location) {
        Path path;
        if (location.startsWith("file://")) {
            path = Path.of(URI.create(location));
        } else {
            path = Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location);
        }
        if (!Files.isReadable(path)) {
            throw new IllegalStateException("masthead.gateway.jwt.private-key-location: cannot read " + path);
        }
        return path;
    }
}
