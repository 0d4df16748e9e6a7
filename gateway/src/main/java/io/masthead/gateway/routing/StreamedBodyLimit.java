package io.masthead.gateway.routing;

import io.masthead.platform.web.WebProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A body streamed without {@code Content-Length} is read (up to {@code masthead.web.max-request-body}, no further)
 * before it is proxied, so that one over the limit is refused with the platform's 413 problem before any byte of it
 * reaches a service, as a declared {@code Content-Length} over the limit is (the platform's {@code RequestBodyLimit}).
 * What is proxied then carries its {@code Content-Length}.
 */
public class StreamedBodyLimit implements WebFilter {

    private final int limit;

    public StreamedBodyLimit(int limit) {
        this.limit = limit;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        if (headers.getContentLength() >= 0 || !headers.containsHeader(HttpHeaders.TRANSFER_ENCODING)) {
            return chain.filter(exchange);
        }
        // over the limit: DataBufferLimitException, answered 413 by the platform's ProblemWebExceptionHandler
        return DataBufferUtils.join(exchange.getRequest().getBody(), limit)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .flatMap(bytes -> {
                    ServerHttpRequestDecorator buffered = new ServerHttpRequestDecorator(exchange.getRequest()) {
                        private final HttpHeaders sized = sized(super.getHeaders(), bytes.length);

                        @Override
                        public HttpHeaders getHeaders() {
                            return sized;
                        }

                        @Override
                        public Flux<DataBuffer> getBody() {
                            return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(bytes)));
                        }
                    };
                    return chain.filter(exchange.mutate().request(buffered).build());
                });
    }

    private static HttpHeaders sized(HttpHeaders original, int length) {
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(original);
        headers.remove(HttpHeaders.TRANSFER_ENCODING);
        headers.setContentLength(length);
        return HttpHeaders.readOnlyHttpHeaders(headers);
    }

    @Configuration(proxyBeanMethods = false)
    static class Wiring {
        @Bean
        StreamedBodyLimit streamedBodyLimit(WebProperties web) {
            return new StreamedBodyLimit((int) web.maxRequestBody().toBytes());
        }
    }
}
