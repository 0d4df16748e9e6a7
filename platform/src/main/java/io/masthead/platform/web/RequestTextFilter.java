package io.masthead.platform.web;

import io.masthead.platform.validation.Text;
import io.masthead.platform.validation.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Applies {@link Text} to the decoded path segments and query parameters of every request before anything
 * reads them, so that no id, cursor or search text with a NUL, another control character or an unpaired
 * surrogate reaches a query: a 400 problem names each bad parameter (or {@code path}). Query values are
 * limited to {@link #MAX_QUERY_VALUE} characters here; parameters with a tighter rule check it themselves.
 */
public final class RequestTextFilter implements WebFilter, Ordered {

    public static final int MAX_QUERY_VALUE = 1_000;

    /**
     * After authentication (services: Spring Security's chain at -100; the gateway: its API key filter at -50), so a
     * caller without valid credentials learns nothing but 401; before idempotency (0) and every handler.
     */
    public static final int AFTER_AUTHENTICATION = -40;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        List<Violation> violations = new ArrayList<>();
        for (PathContainer.Element element : exchange.getRequest().getPath().pathWithinApplication().elements()) {
            if (element instanceof PathContainer.PathSegment segment) {
                String problem = Text.problem(segment.valueToMatch(), 2_048);
                if (problem != null) {
                    violations.add(new Violation("path", problem));
                    break;
                }
            }
        }
        MultiValueMap<String, String> params;
        try {
            params = exchange.getRequest().getQueryParams();
        } catch (IllegalArgumentException e) {
            violations.add(new Violation("query", "is not a valid query string"));
            params = null;
        }
        if (params != null) {
            for (Map.Entry<String, List<String>> param : params.entrySet()) {
                String nameProblem = Text.problem(param.getKey(), 100);
                if (nameProblem != null) {
                    violations.add(new Violation("query", "parameter names " + nameProblem));
                    continue;
                }
                for (String value : param.getValue()) {
                    String problem = Text.problem(value, MAX_QUERY_VALUE);
                    if (problem != null) {
                        violations.add(new Violation(param.getKey(), problem));
                        break;
                    }
                }
            }
        }
        if (violations.isEmpty()) {
            return chain.filter(exchange);
        }
        return Problems.write(exchange.getResponse(), HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "The request's path or query parameters contain text that cannot be accepted",
                exchange.getRequest().getPath().value(), violations);
    }

    /** See {@link #AFTER_AUTHENTICATION}. */
    @Override
    public int getOrder() {
        return AFTER_AUTHENTICATION;
    }
}
