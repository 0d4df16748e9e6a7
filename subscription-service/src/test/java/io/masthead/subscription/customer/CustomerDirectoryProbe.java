package io.masthead.subscription.customer;

import io.masthead.platform.security.Caller;
import io.masthead.platform.security.CallerContext;
import io.masthead.subscription.customer.CustomerViewTestSupport.Seen;
import io.masthead.subscription.customer.application.CustomerDirectory;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Test-only routes that ask the {@link CustomerDirectory} for the caller of a real request (a test configuration:
 * never picked up by the component scanning of other test contexts).
 */
@TestConfiguration(proxyBeanMethods = false)
class CustomerDirectoryProbe {

    @Bean
    RouterFunction<ServerResponse> customerDirectoryProbe(CustomerDirectory directory) {
        return RouterFunctions.route()
                .GET("/test/customers/{customerId}/addresses/{id}", request -> caller(request)
                        .flatMap(caller -> directory.requireAddress(caller, request.pathVariable("customerId"),
                                request.pathVariable("id"), "shipping_address"))
                        .flatMap(address -> ServerResponse.ok().bodyValue(Seen.of(address))))
                .GET("/test/customers/{id}", request -> caller(request)
                        .flatMap(caller -> directory.requireCustomer(caller, request.pathVariable("id"),
                                "customer"))
                        .flatMap(customer -> ServerResponse.ok().bodyValue(Seen.of(customer))))
                .build();
    }

    private static Mono<Caller> caller(ServerRequest request) {
        return CallerContext.of(request.exchange());
    }
}
