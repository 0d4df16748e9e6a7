package io.masthead.platform.idempotency;

import io.masthead.platform.security.CallerContext;
import io.masthead.platform.validation.Violation;
import io.masthead.platform.web.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.reactivestreams.Publisher;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code Idempotency-Key} on POST: the first successful response is stored and replayed for 24 h
 * (marked {@code Idempotent-Replayed: true}); the same key with another body or path is rejected
 * (422), and a key whose first request is still running is answered 409. A request that failed
 * (error response, no state change) releases its key so the client can retry it.
 */
public class IdempotencyFilter implements WebFilter, Ordered {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    private static final int MAX_KEY_LENGTH = 255;

    private final IdempotencyStore store;

    public IdempotencyFilter(IdempotencyStore store) {
        this.store = store;
    }

    @Override
    public int getOrder() {
        return 0;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String key = exchange.getRequest().getHeaders().getFirst(HEADER);
        if (exchange.getRequest().getMethod() != HttpMethod.POST || key == null) {
            return chain.filter(exchange);
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            return problem(exchange, HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                    HEADER + " must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        return CallerContext.of(exchange)
                .flatMap(caller -> DataBufferUtils.join(exchange.getRequest().getBody())
                        .map(IdempotencyFilter::bytesOf)
                        .defaultIfEmpty(new byte[0])
                        .flatMap(body -> handle(exchange, chain, caller.siteId(), key, body)))
                .switchIfEmpty(Mono.defer(() -> chain.filter(exchange)));
    }

    private Mono<Void> handle(ServerWebExchange exchange, WebFilterChain chain, String siteId, String key,
            byte[] body) {
        String hash = hash(exchange.getRequest().getPath().value(), body);
        return store.claim(siteId, key, hash).flatMap(claimed -> claimed
                ? proceed(exchange, chain, siteId, key, body)
                : store.find(siteId, key).flatMap(stored -> answerKnown(exchange, stored, hash))
                        .switchIfEmpty(Mono.defer(() -> handle(exchange, chain, siteId, key, body))));
    }

    private Mono<Void> answerKnown(ServerWebExchange exchange, IdempotencyStore.Stored stored, String hash) {
        if (!stored.requestHash().equals(hash)) {
            return problem(exchange, HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused",
                    "Idempotency key reused",
                    "This " + HEADER + " was already used with a different request body or path");
        }
        if (!stored.completed()) {
            return problem(exchange, HttpStatus.CONFLICT, "idempotency-key-in-progress", "Request in progress",
                    "A request with this " + HEADER + " is still being processed; retry later");
        }
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatusCode.valueOf(stored.status()));
        HttpHeaders headers = response.getHeaders();
        if (stored.contentType() != null) {
            headers.set(HttpHeaders.CONTENT_TYPE, stored.contentType());
        }
        if (stored.location() != null) {
            headers.set(HttpHeaders.LOCATION, stored.location());
        }
        headers.set(REPLAYED_HEADER, "true");
        byte[] bytes = stored.body() == null ? new byte[0] : stored.body();
        headers.setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    private Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, String siteId, String key,
            byte[] body) {
        ServerHttpResponse original = exchange.getResponse();
        ServerHttpRequestDecorator request = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(original.bufferFactory().wrap(body)));
            }
        };
        ServerHttpResponseDecorator response = new ServerHttpResponseDecorator(original) {
            @Override
            public Mono<Void> writeWith(Publisher<? extends DataBuffer> content) {
                return DataBufferUtils.join(Flux.from(content)).map(IdempotencyFilter::bytesOf)
                        .defaultIfEmpty(new byte[0])
                        .flatMap(bytes -> remember(siteId, key, getStatusCode(), getHeaders(), bytes)
                                .then(super.writeWith(Mono.just(bufferFactory().wrap(bytes)))));
            }
        };
        return chain.filter(exchange.mutate().request(request).response(response).build())
                .onErrorResume(error -> store.release(siteId, key).then(Mono.error(error)));
    }

    private Mono<Void> remember(String siteId, String key, HttpStatusCode status, HttpHeaders headers,
            byte[] bytes) {
        if (status == null || status.is5xxServerError() || status.is4xxClientError()) {
            return store.release(siteId, key);
        }
        String contentType = headers.getContentType() == null ? null : headers.getContentType().toString();
        return store.complete(siteId, key, status.value(), contentType, headers.getFirst(HttpHeaders.LOCATION), bytes);
    }

    private static byte[] bytesOf(DataBuffer buffer) {
        byte[] bytes = new byte[buffer.readableByteCount()];
        buffer.read(bytes);
        DataBufferUtils.release(buffer);
        return bytes;
    }

    private static String hash(String path, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(path.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(body);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Mono<Void> problem(ServerWebExchange exchange, HttpStatus status, String slug, String title,
            String detail) {
        return Problems.write(exchange.getResponse(), status, slug, title, detail,
                exchange.getRequest().getPath().value(), List.of(new Violation(HEADER, detail)));
    }
}
