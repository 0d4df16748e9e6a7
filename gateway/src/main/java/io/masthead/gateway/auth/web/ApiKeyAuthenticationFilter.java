package io.masthead.gateway.auth.web;

import io.masthead.gateway.apikey.model.AuthenticatedKey;
import io.masthead.gateway.apikey.model.SecretKey;
import io.masthead.gateway.auth.application.ApiKeyAuthenticator;
import io.masthead.gateway.auth.application.InternalTokens;
import io.masthead.platform.security.Caller;
import io.masthead.platform.security.CallerContext;
import io.masthead.platform.web.Problems;
import java.util.List;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates every {@code /v1} request, routed or served by the gateway itself, by its
 * {@code Authorization: Bearer sk_...} key. On success the caller (the site's admin) is put in the
 * exchange and the key is replaced by a short-lived internal token; the key is never forwarded.
 * Requests outside {@code /v1} (OpenAPI, Swagger UI, probes; management endpoints on the management port)
 * need no key and lose any {@code Authorization} header they carry.
 */
public class ApiKeyAuthenticationFilter implements WebFilter, Ordered {

    /** After Spring Security's chain (-100), whose response headers then apply to 401s too. */
    public static final int ORDER = -50;

    private static final String BEARER = "Bearer ";

    private final ApiKeyAuthenticator authenticator;
    private final InternalTokens tokens;

    public ApiKeyAuthenticationFilter(ApiKeyAuthenticator authenticator, InternalTokens tokens) {
        this.authenticator = authenticator;
        this.tokens = tokens;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.equals("/v1") && !path.startsWith("/v1/")) {
            return chain.filter(withoutAuthorization(exchange));
        }
        List<String> values = exchange.getRequest().getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (values == null || values.isEmpty()) {
            return unauthorized(exchange, "Bearer",
                    "An API key is required: send 'Authorization: Bearer sk_...'");
        }
        Optional<SecretKey> key = values.size() == 1 ? bearer(values.getFirst()).flatMap(SecretKey::parse)
                : Optional.empty();
        if (key.isEmpty()) {
            return unauthorized(exchange, "Bearer error=\"invalid_token\"",
                    "The Authorization header must be 'Bearer ' followed by a secret key (sk_test_... or sk_live_...)");
        }
        return authenticator.authenticate(key.get())
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .flatMap(found -> found.isPresent()
                        ? chain.filter(authenticated(exchange, found.get()))
                        : unauthorized(exchange, "Bearer error=\"invalid_token\"",
                                "The API key is unknown or has been revoked"));
    }

    private ServerWebExchange authenticated(ServerWebExchange exchange, AuthenticatedKey key) {
        Caller caller = Caller.admin(key.siteId(), key.livemode());
        CallerContext.set(exchange, caller);
        String token = tokens.tokenFor(caller);
        return exchange.mutate().request(request -> request.headers(headers -> headers.setBearerAuth(token))).build();
    }

    private static Optional<String> bearer(String header) {
        return header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? Optional.of(header.substring(BEARER.length()).strip())
                : Optional.empty();
    }

    private static ServerWebExchange withoutAuthorization(ServerWebExchange exchange) {
        if (!exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
            return exchange;
        }
        return exchange.mutate().request(request -> request.headers(headers -> headers.remove(HttpHeaders.AUTHORIZATION)))
                .build();
    }

    private static Mono<Void> unauthorized(ServerWebExchange exchange, String challenge, String detail) {
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
        return Problems.write(exchange.getResponse(), HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail,
                exchange.getRequest().getPath().value(), List.of());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
