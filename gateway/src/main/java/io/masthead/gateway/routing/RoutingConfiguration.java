package io.masthead.gateway.routing;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Routes built from {@link ServicesProperties}: one per path pattern, the most specific first (a service may own
 * a path under another service's broader pattern), and one per service for its OpenAPI document. Routes declared the standard way under
 * {@code spring.cloud.gateway.server.webflux.routes} still work beside these.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(ServicesProperties.class)
public class RoutingConfiguration {

    @Bean
    RouteLocator serviceRoutes(RouteLocatorBuilder builder, ServicesProperties properties) {
        RouteLocatorBuilder.Builder routes = builder.routes();
        List<PathRoute> paths = pathRoutes(properties);
        for (int i = 0; i < paths.size(); i++) {
            PathRoute path = paths.get(i);
            int order = i;
            routes.route(path.id(), route -> route.order(order).path(path.pattern()).uri(path.uri()));
        }
        properties.services().forEach((name, service) -> routes.route(name + "-api-docs", route -> route
                .path(ServicesProperties.apiDocsPathOf(name))
                .filters(filters -> filters.setPath(service.apiDocsPath()))
                .uri(service.uri())));
        return routes.build();
    }

    /** One route per path pattern of a service: its id ({@code <service>#<n>}), pattern and the service's URI. */
    record PathRoute(String id, String service, String pattern, URI uri) {
    }

    /**
     * Every service's path patterns, most specific first ({@link PathPattern#SPECIFICITY_COMPARATOR}), so a more
     * specific pattern of one service wins over a broader one of another: {@code /v1/customers/{id}/entitlements}
     * (subscription-service) before {@code /v1/customers/**} (customer-service), whatever order the services are
     * listed in. Equally specific patterns keep the order of the configuration.
     */
    static List<PathRoute> pathRoutes(ServicesProperties properties) {
        List<PathRoute> all = new ArrayList<>();
        properties.services().forEach((name, service) -> {
            for (int i = 0; i < service.paths().size(); i++) {
                all.add(new PathRoute(name + "#" + i, name, service.paths().get(i), service.uri()));
            }
        });
        PathPatternParser parser = PathPatternParser.defaultInstance;
        all.sort(Comparator.comparing((PathRoute r) -> parser.parse(r.pattern()), PathPattern.SPECIFICITY_COMPARATOR));
        return all;
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
