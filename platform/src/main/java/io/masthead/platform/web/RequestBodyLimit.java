package io.masthead.platform.web;

import io.masthead.platform.validation.Violation;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Request bodies are read up to {@code masthead.web.max-request-body} and no further: a declared
 * {@code Content-Length} over the limit is answered 413 before anything is read, and a body streamed without one
 * fails (a {@link DataBufferLimitException}, answered 413 by {@link ProblemWebExceptionHandler}) as soon as its
 * bytes pass the limit, whoever reads it (the codecs, the idempotency filter, the gateway's proxy).
 */
public final class RequestBodyLimit implements WebFilter, Ordered {

    private final long limit;

    public RequestBodyLimit(long limit) {
        this.limit = limit;
    }

    /** Before security: a body too large is refused whoever sends it, and without reading it. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getHeaders().getContentLength() > limit) {
            return tooLarge(exchange, limit);
        }
        ServerHttpRequestDecorator request = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> {
                    AtomicLong seen = new AtomicLong();
                    return super.getBody().map(buffer -> {
                        if (seen.addAndGet(buffer.readableByteCount()) > limit) {
                            DataBufferUtils.release(buffer);
                            throw new DataBufferLimitException("Request body over the limit of " + limit + " bytes");
                        }
                        return buffer;
                    });
                });
            }
        };
        return chain.filter(exchange.mutate().request(request).build());
    }

    /** The problem for a body over {@code limit} bytes: 413, naming the limit. */
    static Mono<Void> tooLarge(ServerWebExchange exchange, long limit) {
        String detail = "The request body is larger than the limit of " + limit + " bytes";
        return Problems.write(exchange.getResponse(), HttpStatus.CONTENT_TOO_LARGE, "request-too-large",
                "Request body too large", detail, exchange.getRequest().getPath().value(),
                List.of(new Violation("body", "must be at most " + limit + " bytes")));
    }
}
