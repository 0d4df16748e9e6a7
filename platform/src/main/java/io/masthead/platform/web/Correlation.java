package io.masthead.platform.web;

import io.masthead.platform.validation.Text;
import java.util.UUID;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The request id ({@code X-Request-Id}, made up when absent) of the current request, echoed in the
 * response and kept in the Reactor context so events record it as their correlation id.
 */
public final class Correlation implements WebFilter, Ordered {

    public static final String HEADER = "X-Request-Id";
    private static final String CONTEXT_KEY = "masthead.correlation-id";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String given = exchange.getRequest().getHeaders().getFirst(HEADER);
        String id = given != null && !given.isBlank() && Text.problem(given, 128) == null ? given
                : UUID.randomUUID().toString();
        exchange.getResponse().getHeaders().set(HEADER, id);
        return chain.filter(exchange).contextWrite(ctx -> ctx.put(CONTEXT_KEY, id));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    /** The current correlation id, or empty outside a request. */
    public static Mono<String> current() {
        return Mono.deferContextual(ctx -> Mono.justOrEmpty(ctx.<String>getOrEmpty(CONTEXT_KEY)));
    }
}
