package io.masthead.gateway.routing;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Routes built from {@link ServicesProperties}. Routes declared the standard way under
 * {@code spring.cloud.gateway.server.webflux.routes} still work beside these.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(ServicesProperties.class)
public class RoutingConfiguration {

    @Bean
    RouteLocator serviceRoutes(RouteLocatorBuilder builder, ServicesProperties properties) {
        RouteLocatorBuilder.Builder routes = builder.routes();
        properties.services().forEach((name, service) -> {
            routes.route(name, route -> route
                    .path(service.paths().toArray(String[]::new))
                    .uri(service.uri()));
            routes.route(name + "-api-docs", route -> route
                    .path(ServicesProperties.apiDocsPathOf(name))
                    .filters(filters -> filters.setPath(service.apiDocsPath()))
                    .uri(service.uri()));
        });
        return routes.build();
    }

    @Bean
    RequestIdFilter requestIdFilter() {
        return new RequestIdFilter();
    }

    @Bean
    UpstreamProblemHandler upstreamProblemHandler() {
        return new UpstreamProblemHandler();
    }
}
