package io.masthead.customer.credential.web;

import io.masthead.platform.idempotency.IdempotencyFilter;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Drops {@code Idempotency-Key} from password requests before the idempotency filter sees them: the key's stored
 * request fingerprint is a SHA-256 of the body, which would be a fast, brute-forceable hash of the password. Setting
 * a password needs no key: doing it twice leaves the same password.
 */
@Component
class PasswordIdempotencyFilter implements WebFilter, Ordered {

    private static final Pattern PASSWORD_PATHS = Pattern.compile("/v1/customers/[^/]+/password/?|/internal/credentials/.*");

    @Override
    public int getOrder() {
        return -1; // after security (it sets the caller), before the idempotency filter (0)
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getMethod() != HttpMethod.POST
                || !exchange.getRequest().getHeaders().containsHeader(IdempotencyFilter.HEADER)
                || !PASSWORD_PATHS.matcher(exchange.getRequest().getPath().value()).matches()) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate()
                .request(request -> request.headers(headers -> headers.remove(IdempotencyFilter.HEADER))).build());
    }
}
