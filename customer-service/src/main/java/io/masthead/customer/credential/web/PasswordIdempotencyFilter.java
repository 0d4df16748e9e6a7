package io.masthead.customer.credential.web;

import io.masthead.platform.idempotency.IdempotencyFilter;
import io.masthead.platform.openapi.ApiContract;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.extensions.Extension;
import io.swagger.v3.oas.annotations.extensions.ExtensionProperty;
import java.util.Arrays;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Drops {@code Idempotency-Key} before the idempotency filter sees it from requests whose handler declares that it
 * ignores the key ({@code x-idempotency-key: ignored} on its {@link Operation}: setting a password, the gateway's
 * verification): the key's stored request fingerprint is a SHA-256 of the body, which would be a fast,
 * brute-forceable hash of the password. The handler is found as the dispatcher will find it (decoded path
 * segments, so {@code /v1/customers/cus_x/%70assword} is the password operation too), never by matching the raw
 * path text.
 */
@Component
class PasswordIdempotencyFilter implements WebFilter, Ordered {

    private final HandlerMapping handlers;

    PasswordIdempotencyFilter(@Qualifier("requestMappingHandlerMapping") HandlerMapping handlers) {
        this.handlers = handlers;
    }

    @Override
    public int getOrder() {
        return -1; // after security (it sets the caller), before the idempotency filter (0)
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getMethod() != HttpMethod.POST
                || !exchange.getRequest().getHeaders().containsHeader(IdempotencyFilter.HEADER)) {
            return chain.filter(exchange);
        }
        return handlers.getHandler(exchange)
                .filter(handler -> handler instanceof HandlerMethod method && ignoresKey(method))
                .map(handler -> exchange.mutate()
                        .request(request -> request.headers(headers -> headers.remove(IdempotencyFilter.HEADER)))
                        .build())
                .defaultIfEmpty(exchange)
                .flatMap(chain::filter);
    }

    static boolean ignoresKey(HandlerMethod method) {
        Operation operation = method.getMethodAnnotation(Operation.class);
        return operation != null && Arrays.stream(operation.extensions())
                .flatMap((Extension extension) -> Arrays.stream(extension.properties()))
                .anyMatch((ExtensionProperty p) -> p.name().equals(ApiContract.IGNORED_KEY_EXTENSION)
                        && p.value().equals("ignored"));
    }
}
