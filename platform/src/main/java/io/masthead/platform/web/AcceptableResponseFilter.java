package io.masthead.platform.web;

import io.masthead.platform.validation.Violation;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a request that changes something (any method but GET, HEAD and OPTIONS) when its {@code Accept}
 * header admits no JSON, before it runs: otherwise the change would commit and only the writing of its
 * response would fail with a 406, a client error that changed state. Reads answer 406 on their own.
 */
public final class AcceptableResponseFilter implements WebFilter, Ordered {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpMethod method = exchange.getRequest().getMethod();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS) {
            return chain.filter(exchange);
        }
        List<String> accept = exchange.getRequest().getHeaders().get(HttpHeaders.ACCEPT);
        if (accept == null || accept.isEmpty()) {
            return chain.filter(exchange);
        }
        boolean json;
        try {
            json = MediaType.parseMediaTypes(accept).stream().anyMatch(MediaType.APPLICATION_JSON::isCompatibleWith);
        } catch (InvalidMediaTypeException e) {
            json = false;
        }
        if (json) {
            return chain.filter(exchange);
        }
        return Problems.write(exchange.getResponse(), HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "Not Acceptable",
                "This operation answers application/json; the Accept header admits none of it",
                exchange.getRequest().getPath().value(),
                List.of(new Violation("Accept", "must admit application/json")));
    }

    /** After authentication and the request's text, before idempotency and every handler. */
    @Override
    public int getOrder() {
        return RequestTextFilter.AFTER_AUTHENTICATION + 1;
    }
}
