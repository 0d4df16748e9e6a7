package io.masthead.subscription.customer.web;

import io.masthead.platform.web.Problems;
import io.masthead.subscription.customer.application.CustomerServiceUnavailableException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Answers {@link CustomerServiceUnavailableException} as its 503 problem with {@code Retry-After} (in seconds): the
 * platform's problem handler, which runs after this one ({@code @Order(-2)}), renders problems without headers.
 * Every other failure is left to it.
 */
@Component
@Order(-3)
class CustomerServiceUnavailableHandler implements WebExceptionHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (!(ex instanceof CustomerServiceUnavailableException unavailable)
                || exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        long seconds = Math.max(1, (unavailable.retryAfter().toMillis() + 999) / 1000);
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        return Problems.write(exchange.getResponse(), unavailable.status(), unavailable.type(), unavailable.title(),
                unavailable.getMessage(), exchange.getRequest().getPath().value(), unavailable.errors());
    }
}
