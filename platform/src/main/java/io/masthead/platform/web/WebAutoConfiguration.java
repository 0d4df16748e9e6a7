package io.masthead.platform.web;

import io.masthead.platform.idempotency.IdempotencyFilter;
import io.masthead.platform.idempotency.IdempotencyStore;
import io.masthead.platform.security.CallerArgumentResolver;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/** Problem details for every error, request correlation, the {@code Caller} parameter, idempotency keys. */
@AutoConfiguration(after = R2dbcAutoConfiguration.class)
public class WebAutoConfiguration {

    /**
     * Services are reached through the gateway, which serves their OpenAPI documents: server-relative URLs
     * keep Swagger UI's "Try it out" going through the gateway (and its authentication).
     */
    @Bean
    org.springdoc.core.customizers.OpenApiCustomizer serverRelativeOpenApi() {
        return api -> api.setServers(java.util.List.of(new io.swagger.v3.oas.models.servers.Server().url("/")
                .description("through the gateway")));
    }

    @Bean
    ProblemWebExceptionHandler problemWebExceptionHandler() {
        return new ProblemWebExceptionHandler();
    }

    @Bean
    Correlation correlationFilter() {
        return new Correlation();
    }

    @Bean
    WebFluxConfigurer callerArgumentConfigurer() {
        return new WebFluxConfigurer() {
            @Override
            public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
                configurer.addCustomResolver(new CallerArgumentResolver());
            }
        };
    }

    @Bean
    @ConditionalOnBean(ConnectionFactory.class)
    @ConditionalOnProperty(name = "masthead.idempotency.enabled", matchIfMissing = true)
    IdempotencyStore idempotencyStore(ConnectionFactory connectionFactory, Clock clock) {
        return new IdempotencyStore(DatabaseClient.create(connectionFactory), clock);
    }

    @Bean
    @ConditionalOnBean(IdempotencyStore.class)
    IdempotencyFilter idempotencyFilter(IdempotencyStore store) {
        return new IdempotencyFilter(store);
    }

    // stored responses older than 24 h are deleted by the retention job idempotency-keys (RetentionAutoConfiguration)
}
