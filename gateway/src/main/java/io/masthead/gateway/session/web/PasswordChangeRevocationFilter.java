package io.masthead.gateway.session.web;

import io.masthead.gateway.auth.web.ApiKeyAuthenticationFilter;
import io.masthead.gateway.session.application.SessionService;
import io.masthead.platform.security.Caller;
import io.masthead.platform.security.CallerContext;
import java.util.Optional;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Sessions do not outlive a password change: when customer-service answers a {@code POST
 * /v1/customers/{id}/password} routed through the gateway with a 2xx, every session of that customer is revoked
 * before the response is sent. The path is matched as the service's dispatcher matches it (decoded segments,
 * without matrix parameters), so an encoded spelling such as {@code %70assword} is the same operation.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
class PasswordChangeRevocationFilter implements WebFilter, Ordered {

    private static final PathPattern PASSWORD = PathPatternParser.defaultInstance.parse("/v1/customers/{id}/password");

    private final SessionService sessions;

    PasswordChangeRevocationFilter(SessionService sessions) {
        this.sessions = sessions;
    }

    @Override
    public int getOrder() {
        return ApiKeyAuthenticationFilter.ORDER + 10; // after authentication: the caller is known
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getMethod() != HttpMethod.POST) {
            return chain.filter(exchange);
        }
        PathPattern.PathMatchInfo match = PASSWORD.matchAndExtract(exchange.getRequest().getPath().pathWithinApplication());
        Optional<Caller> caller = Optional.ofNullable(exchange.getAttribute(CallerContext.ATTRIBUTE));
        if (match == null || caller.isEmpty() || !caller.get().isAdmin()) {
            return chain.filter(exchange);
        }
        String customerId = match.getUriVariables().get("id");
        String siteId = caller.get().siteId();
        exchange.getResponse().beforeCommit(() -> {
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            return status != null && status.is2xxSuccessful()
                    ? sessions.revokeCustomer(siteId, customerId, "password set")
                    : Mono.empty();
        });
        return chain.filter(exchange);
    }
}
