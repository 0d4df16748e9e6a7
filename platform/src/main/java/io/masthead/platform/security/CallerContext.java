package io.masthead.platform.security;

import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Where the authenticated {@link Caller} of a request is kept: an exchange attribute, set by the
 * resource-server filter in services and by the API-key filter in the gateway.
 */
public final class CallerContext {

    public static final String ATTRIBUTE = "masthead.caller";

    private CallerContext() {
    }

    public static void set(ServerWebExchange exchange, Caller caller) {
        exchange.getAttributes().put(ATTRIBUTE, caller);
    }

    public static Mono<Caller> of(ServerWebExchange exchange) {
        return Mono.justOrEmpty((Caller) exchange.getAttribute(ATTRIBUTE));
    }
}
