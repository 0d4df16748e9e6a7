package io.masthead.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.netty.http.client.PrematureCloseException;

class UpstreamProblemHandlerTest {

    private final UpstreamProblemHandler handler = new UpstreamProblemHandler();

    @Test
    void aServiceThatClosesTheConnectionBeforeAnsweringIsABadGatewayProblemNotA500() {
        MockServerWebExchange exchange = exchange();
        handler.handle(exchange, new RuntimeException("proxy failed",
                PrematureCloseException.TEST_EXCEPTION)).block();

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(502);
        assertThat(exchange.getResponse().getHeaders().getContentType())
                .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(exchange.getResponse().getBodyAsString().block())
                .contains("bad-gateway").contains("Idempotency-Key");
    }

    @Test
    void anUnreachableServiceIs503AndASlowOne504() {
        MockServerWebExchange unreachable = exchange();
        handler.handle(unreachable, new RuntimeException(new ConnectException("refused"))).block();
        assertThat(unreachable.getResponse().getStatusCode().value()).isEqualTo(503);

        MockServerWebExchange slow = exchange();
        handler.handle(slow, new TimeoutException("slow")).block();
        assertThat(slow.getResponse().getStatusCode().value()).isEqualTo(504);
    }

    @Test
    void anyOtherFailureGoesOnToThePlatformHandler() {
        IllegalStateException other = new IllegalStateException("bug");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> handler.handle(exchange(), other).block())
                .isSameAs(other);
    }

    private static MockServerWebExchange exchange() {
        return MockServerWebExchange.from(MockServerHttpRequest.post("/v1/customers").build());
    }
}
