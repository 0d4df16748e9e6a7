package io.masthead.platform.web;

import io.masthead.platform.crypto.SecretCipher;
import io.masthead.platform.idempotency.IdempotencyFilter;
import io.masthead.platform.idempotency.IdempotencyProperties;
import io.masthead.platform.idempotency.IdempotencyStore;
import io.masthead.platform.security.CallerArgumentResolver;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/**
 * Problem details for every error, request correlation, the request body limit, the {@code Caller} parameter,
 * idempotency keys.
 */
@AutoConfiguration(after = R2dbcAutoConfiguration.class)
@EnableConfigurationProperties({WebProperties.class, IdempotencyProperties.class})
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
    ProblemWebExceptionHandler problemWebExceptionHandler(WebProperties properties) {
        return new ProblemWebExceptionHandler(properties.maxRequestBody().toBytes());
    }

    @Bean
    RequestBodyLimit requestBodyLimit(WebProperties properties) {
        return new RequestBodyLimit(properties.maxRequestBody().toBytes());
    }

    @Bean
    Correlation correlationFilter() {
        return new Correlation();
    }

    /** Every text of a request obeys {@link io.masthead.platform.validation.Text}: JSON strings and keys... */
    @Bean
    TextInputModule textInputModule() {
        return new TextInputModule();
    }

    /** ...and path segments and query parameters. */
    @Bean
    RequestTextFilter requestTextFilter() {
        return new RequestTextFilter();
    }

    /** The HTTP server's own refusals (414, 431, an unparsable URI) get a problem body too. */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnClass(
            name = "org.springframework.boot.reactor.netty.NettyServerCustomizer")
    org.springframework.boot.reactor.netty.NettyServerCustomizer bareErrorProblems() {
        return BareErrorProblems.customizer();
    }

    /** A change is refused before it runs when its response could not be written (406). */
    @Bean
    AcceptableResponseFilter acceptableResponseFilter() {
        return new AcceptableResponseFilter();
    }

    /** Requests the security firewall rejects (encoded slashes, traversal) get a problem too, not a bare 400. */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnClass(
            name = "org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler")
    org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler problemForRejectedExchange() {
        return (exchange, rejected) -> Problems.write(exchange.getResponse(), HttpStatus.BAD_REQUEST,
                "invalid-request", "Invalid request", "The request's path or query cannot be accepted",
                exchange.getRequest().getPath().value(), java.util.List.of(new io.masthead.platform.validation.Violation(
                        "path", "must not contain encoded slashes, backslashes, dot segments or other unsafe text")));
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
    IdempotencyStore idempotencyStore(ConnectionFactory connectionFactory, Clock clock,
            IdempotencyProperties properties) {
        return new IdempotencyStore(DatabaseClient.create(connectionFactory), clock, properties.lease());
    }

    /** Sensitive responses are encrypted with the service's {@link SecretCipher}; without one they are not stored. */
    @Bean
    @ConditionalOnBean(IdempotencyStore.class)
    IdempotencyFilter idempotencyFilter(IdempotencyStore store, ObjectProvider<SecretCipher> cipher,
            WebProperties web, IdempotencyProperties properties) {
        return new IdempotencyFilter(store, cipher.getIfAvailable(), (int) web.maxRequestBody().toBytes(),
                properties.retryAfter());
    }

    // stored responses older than 24 h are deleted by the retention job idempotency-keys (RetentionAutoConfiguration)
}
