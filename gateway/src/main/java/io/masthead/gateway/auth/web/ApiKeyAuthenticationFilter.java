package io.masthead.gateway.auth.web;

import io.masthead.gateway.apikey.model.AuthenticatedKey;
import io.masthead.gateway.apikey.model.PublishableKey;
import io.masthead.gateway.apikey.model.SecretKey;
import io.masthead.gateway.auth.application.ApiKeyAuthenticator;
import io.masthead.gateway.auth.application.InternalTokens;
import io.masthead.gateway.auth.model.CallerAccess;
import io.masthead.gateway.session.application.SessionService;
import io.masthead.gateway.session.model.CustomerSession;
import io.masthead.gateway.session.model.SessionToken;
import io.masthead.gateway.session.web.Presented;
import io.masthead.platform.security.Caller;
import io.masthead.platform.security.CallerContext;
import io.masthead.platform.web.Problems;
import java.util.List;
import java.util.Map;
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
 * {@code Authorization: Bearer} credential:
 * <ul>
 * <li>a secret key ({@code sk_...}): the site's admin;</li>
 * <li>a publishable key ({@code pk_...}): nothing but {@code POST /v1/auth/login} (403 for anything else);</li>
 * <li>a customer token ({@code cst_...}): that customer, on the allowlist of {@link CallerAccess} only (403 for
 * anything else, 404 for a path naming another customer); expired or revoked, 401.</li>
 * </ul>
 * An accepted caller is put in the exchange and the credential is replaced by a short-lived internal token (role
 * admin or customer); the credential is never forwarded. Requests outside {@code /v1} (OpenAPI, Swagger UI, probes;
 * management endpoints on the management port) need none and lose any {@code Authorization} header they carry.
 */
public class ApiKeyAuthenticationFilter implements WebFilter, Ordered {

    /** After Spring Security's chain (-100), whose response headers then apply to 401s too. */
    public static final int ORDER = -50;

    private static final String BEARER = "Bearer ";
    private static final String INVALID = "Bearer error=\"invalid_token\"";

    private final ApiKeyAuthenticator authenticator;
    private final SessionService sessions;
    private final InternalTokens tokens;

    public ApiKeyAuthenticationFilter(ApiKeyAuthenticator authenticator, SessionService sessions, InternalTokens tokens) {
        this.authenticator = authenticator;
        this.sessions = sessions;
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
                    "An API key is required: send 'Authorization: Bearer sk_...' (or a publishable key or customer "
                            + "token where the operation takes one)");
        }
        Optional<String> bearer = values.size() == 1 ? bearer(values.getFirst()) : Optional.empty();
        Optional<SecretKey> secret = bearer.flatMap(SecretKey::parse);
        if (secret.isPresent()) {
            return authenticator.authenticate(secret.get().hash())
                    .filter(AuthenticatedKey::secret)
                    .map(key -> chain.filter(asAdmin(exchange, key)))
                    .defaultIfEmpty(Mono.defer(() -> unauthorized(exchange, INVALID,
                            "The API key is unknown or has been revoked")))
                    .flatMap(next -> next);
        }
        Optional<PublishableKey> publishable = bearer.flatMap(PublishableKey::parse);
        if (publishable.isPresent()) {
            return authenticator.authenticate(publishable.get().hash())
                    .filter(AuthenticatedKey::publishable)
                    .map(key -> withPublishableKey(exchange, chain, key, path))
                    .defaultIfEmpty(Mono.defer(() -> unauthorized(exchange, INVALID,
                            "The publishable key is unknown or has been revoked")))
                    .flatMap(next -> next);
        }
        Optional<SessionToken> token = bearer.flatMap(SessionToken::parse);
        if (token.isPresent()) {
            return sessions.authenticate(token.get())
                    .map(session -> asCustomer(exchange, chain, session, path))
                    .defaultIfEmpty(Mono.defer(() -> unauthorized(exchange, INVALID,
                            "The customer token is unknown, expired or revoked: log in again")))
                    .flatMap(next -> next);
        }
        return unauthorized(exchange, INVALID, "The Authorization header must be 'Bearer ' followed by a secret key "
                + "(sk_test_... or sk_live_...), a publishable key (pk_...) or a customer token (cst_...)");
    }

    private ServerWebExchange asAdmin(ServerWebExchange exchange, AuthenticatedKey key) {
        exchange.getAttributes().put(Presented.KEY, key);
        return forward(exchange, Caller.admin(key.siteId(), key.livemode()));
    }

    private Mono<Void> withPublishableKey(ServerWebExchange exchange, WebFilterChain chain, AuthenticatedKey key,
            String path) {
        if (CallerAccess.forPublishableKey(exchange.getRequest().getMethod().name(), path)
                != CallerAccess.Decision.ALLOW) {
            return forbidden(exchange, "A publishable key can only log customers in (POST /v1/auth/login)");
        }
        exchange.getAttributes().put(Presented.KEY, key);
        // served by the gateway itself: nothing is forwarded, and no caller acts yet
        return chain.filter(withoutAuthorization(exchange));
    }

    private Mono<Void> asCustomer(ServerWebExchange exchange, WebFilterChain chain, CustomerSession session,
            String path) {
        Map<String, String> query = exchange.getRequest().getQueryParams().toSingleValueMap();
        return switch (CallerAccess.forCustomer(exchange.getRequest().getMethod().name(), path, query,
                session.customerId())) {
            case ALLOW -> {
                exchange.getAttributes().put(Presented.SESSION, session);
                yield chain.filter(forward(exchange, Caller.customer(session.siteId(), session.customerId(),
                        session.livemode())));
            }
            case NOT_FOUND -> Problems.write(exchange.getResponse(), HttpStatus.NOT_FOUND, "not-found", "Not found",
                    "No such customer", exchange.getRequest().getPath().value(), List.of());
            case FORBIDDEN -> forbidden(exchange, "A customer token may not do this: it reaches its own customer, "
                    + "addresses, subscriptions and entitlements, and logout");
        };
    }

    private ServerWebExchange forward(ServerWebExchange exchange, Caller caller) {
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

    private static Mono<Void> forbidden(ServerWebExchange exchange, String detail) {
        return Problems.write(exchange.getResponse(), HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail,
                exchange.getRequest().getPath().value(), List.of());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
