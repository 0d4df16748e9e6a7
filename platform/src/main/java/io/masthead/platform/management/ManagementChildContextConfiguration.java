package io.masthead.platform.management;

import io.masthead.platform.web.Problems;
import java.util.List;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The management port's own context. Its dispatcher would also serve every handler of the application (the
 * services' controllers, the gateway's routes): this filter, first in its chain, lets through only the
 * management endpoints' paths and answers 404 to everything else, so the management port is never a second API.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class ManagementChildContextConfiguration {

    @Bean
    ManagementPathsOnly managementPathsOnly(WebEndpointProperties endpoints) {
        return new ManagementPathsOnly(endpoints.getBasePath());
    }

    /** Answers 404 (a problem) to any path outside the management endpoints' base path. */
    static final class ManagementPathsOnly implements WebFilter, Ordered {

        private final String basePath;

        ManagementPathsOnly(String basePath) {
            String trimmed = basePath == null ? "" : basePath.strip();
            this.basePath = trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
        }

        @Override
        public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
            String path = exchange.getRequest().getPath().pathWithinApplication().value();
            if (basePath.isEmpty() || path.equals(basePath) || path.startsWith(basePath + "/")) {
                return chain.filter(exchange);
            }
            return Problems.write(exchange.getResponse(), HttpStatus.NOT_FOUND, "not-found", "Not found",
                    "The management port serves only " + (basePath + "/**"), path, List.of());
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }
}
