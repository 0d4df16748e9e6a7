package io.masthead.platform.idempotency;

import io.masthead.platform.crypto.SecretCipher;
import io.masthead.platform.crypto.UnreadableSecretException;
import io.masthead.platform.idempotency.IdempotencyStore.Claim;
import io.masthead.platform.security.Caller;
import io.masthead.platform.security.CallerContext;
import io.masthead.platform.validation.Violation;
import io.masthead.platform.web.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code Idempotency-Key} on POST: the first completed (2xx/3xx) response is stored and replayed for 24 h (marked
 * {@code Idempotent-Replayed: true}); the same key with another body or path is rejected (422), and a key whose
 * first request is still running is answered 409 with {@code Retry-After}.
 *
 * <p>A claim ends with its request: an error response, a failure or a client disconnect releases the key; a
 * request that dies with its process leaves a claim whose lease (renewed while the request runs) ends within
 * {@code masthead.idempotency.lease}, after which the same request takes it over. A response marked
 * {@link SensitiveResponse} is stored encrypted with the service's at-rest key ({@link SecretCipher}), or, without
 * one, not stored: its replay answers 409 {@code idempotency-response-withheld}. Bodies are read up to the request
 * body limit and no further. Nothing here logs a body, a key or a response.
 */
public class IdempotencyFilter implements WebFilter, Ordered {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** Set to {@code Boolean.TRUE} by a handler whose response carries a secret (or annotate it {@link SensitiveResponse}). */
    public static final String SENSITIVE_ATTRIBUTE = "masthead.idempotency.sensitive";
    private static final int MAX_KEY_LENGTH = 255;
    private static final int MAX_CLAIM_ATTEMPTS = 3;
    private static final Logger log = LoggerFactory.getLogger(IdempotencyFilter.class);

    private final IdempotencyStore store;
    private final SecretCipher cipher;
    private final int maxBody;
    private final Duration retryAfter;
    private final Duration renewEvery;

    /** A filter that stores no sensitive response (no at-rest key), with the default limits. */
    public IdempotencyFilter(IdempotencyStore store) {
        this(store, null, 1 << 20, Duration.ofSeconds(1));
    }

    /**
     * @param cipher the service's at-rest key ring, or null: sensitive responses are then not stored
     * @param maxBody the most request body bytes read ({@code masthead.web.max-request-body})
     * @param retryAfter the {@code Retry-After} of a 409 while the first request runs
     */
    public IdempotencyFilter(IdempotencyStore store, SecretCipher cipher, int maxBody, Duration retryAfter) {
        this.store = store;
        this.cipher = cipher;
        this.maxBody = maxBody;
        this.retryAfter = retryAfter;
        this.renewEvery = store.lease().dividedBy(3);
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
        Caller caller = exchange.getAttribute(CallerContext.ATTRIBUTE);
        if (caller == null) {
            return chain.filter(exchange); // not authenticated: security answers it
        }
        // at most maxBody bytes are buffered: a longer body fails with DataBufferLimitException, answered 413
        return DataBufferUtils.join(exchange.getRequest().getBody(), maxBody)
                .map(IdempotencyFilter::bytesOf)
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> handle(exchange, chain, caller.siteId(), scoped(caller, key), body, 1));
    }

    /**
     * The key as stored: a site's admin keys as given, an end customer's in a space of that customer's own, so that
     * no caller can replay (or learn of) a response stored for another with the same key, path and body.
     */
    static String scoped(Caller caller, String key) {
        return caller.isAdmin() ? key : "customer:" + caller.customerId() + ":" + key;
    }

    private Mono<Void> handle(ServerWebExchange exchange, WebFilterChain chain, String siteId, String key,
            byte[] body, int attempt) {
        String hash = hash(exchange.getRequest().getPath().value(), body);
        return store.claim(siteId, key, hash).flatMap(claim -> switch (claim) {
            case Claim.Taken taken -> proceed(exchange, chain, siteId, key, hash, body, taken.token());
            case Claim.Known known -> answerKnown(exchange, siteId, key, known.stored(), hash);
            case Claim.Freed freed -> attempt < MAX_CLAIM_ATTEMPTS
                    ? handle(exchange, chain, siteId, key, body, attempt + 1)
                    : inProgress(exchange);
        });
    }

    private Mono<Void> answerKnown(ServerWebExchange exchange, String siteId, String key,
            IdempotencyStore.Stored stored, String hash) {
        if (!stored.requestHash().equals(hash)) {
            return problem(exchange, HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused",
                    "Idempotency key reused",
                    "This " + HEADER + " was already used with a different request body or path");
        }
        if (!stored.completed()) {
            return inProgress(exchange);
        }
        byte[] bytes = stored.body() == null ? new byte[0] : stored.body();
        if (stored.withheld()) {
            return withheld(exchange, stored);
        }
        if (stored.sealedBody() != null) {
            if (cipher == null) {
                return withheld(exchange, stored);
            }
            try {
                bytes = cipher.decryptBytes(context(siteId, key, hash), stored.sealedBody());
            } catch (UnreadableSecretException e) {
                log.warn("A stored response of site {} on {} does not decrypt with the configured keys (a key "
                        + "removed within 24 h of its use?): not replayed", siteId, exchange.getRequest().getPath());
                return withheld(exchange, stored);
            }
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
        headers.setContentLength(bytes.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    }

    private Mono<Void> inProgress(ServerWebExchange exchange) {
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter.toSeconds()));
        return problem(exchange, HttpStatus.CONFLICT, "idempotency-key-in-progress", "Request in progress",
                "A request with this " + HEADER + " is still being processed; retry after "
                        + retryAfter.toSeconds() + " s");
    }

    /** The first request completed, but its response carried a secret that is not kept: say so, and where it is. */
    private Mono<Void> withheld(ServerWebExchange exchange, IdempotencyStore.Stored stored) {
        if (stored.location() != null) {
            exchange.getResponse().getHeaders().set(HttpHeaders.LOCATION, stored.location());
        }
        exchange.getResponse().getHeaders().set(REPLAYED_HEADER, "true");
        return problem(exchange, HttpStatus.CONFLICT, "idempotency-response-withheld", "Response not replayable",
                "The first request with this " + HEADER + " completed with status " + stored.status()
                        + ", but its response carried a secret, which is not stored: it cannot be replayed"
                        + (stored.location() == null ? "" : "; the resource is at " + stored.location()));
    }

    private Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, String siteId, String key,
            String hash, byte[] body, UUID token) {
        AtomicBoolean settled = new AtomicBoolean();
        ServerHttpResponse original = exchange.getResponse();
        ServerHttpRequestDecorator request = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(original.bufferFactory().wrap(body)));
            }
        };
        ServerWebExchange[] mutated = new ServerWebExchange[1];
        ServerHttpResponseDecorator response = new ServerHttpResponseDecorator(original) {
            @Override
            public Mono<Void> writeWith(Publisher<? extends DataBuffer> content) {
                return DataBufferUtils.join(Flux.from(content)).map(IdempotencyFilter::bytesOf)
                        .defaultIfEmpty(new byte[0])
                        .flatMap(bytes -> settle(mutated[0], siteId, key, hash, token, settled, bytes)
                                .then(super.writeWith(Mono.just(bufferFactory().wrap(bytes)))));
            }

            @Override
            public Mono<Void> setComplete() {
                return settle(mutated[0], siteId, key, hash, token, settled, new byte[0]).then(super.setComplete());
            }
        };
        mutated[0] = exchange.mutate().request(request).response(response).build();
        // the lease is renewed while the request runs; a request that dies with its process stops renewing it
        Disposable heartbeat = Flux.interval(renewEvery)
                .concatMap(tick -> store.renew(siteId, key, token).onErrorReturn(true))
                .takeWhile(Boolean::booleanValue)
                .subscribe();
        return chain.filter(mutated[0])
                .then(Mono.defer(() -> releaseIfUnsettled(siteId, key, token, settled)))
                .onErrorResume(error -> releaseIfUnsettled(siteId, key, token, settled).then(Mono.error(error)))
                .doOnCancel(() -> {
                    // the client went away: the request ends here, and so does its claim
                    if (settled.compareAndSet(false, true)) {
                        store.release(siteId, key, token).subscribe(null, e -> log.warn(
                                "Could not release an Idempotency-Key claim of site {} after a disconnect: {}",
                                siteId, e.toString()));
                    }
                })
                .doFinally(signal -> heartbeat.dispose());
    }

    private Mono<Void> releaseIfUnsettled(String siteId, String key, UUID token, AtomicBoolean settled) {
        return Mono.defer(() -> settled.compareAndSet(false, true) ? store.release(siteId, key, token) : Mono.empty());
    }

    private Mono<Void> settle(ServerWebExchange exchange, String siteId, String key, String hash, UUID token,
            AtomicBoolean settled, byte[] bytes) {
        if (!settled.compareAndSet(false, true)) {
            return Mono.empty();
        }
        ServerHttpResponse response = exchange.getResponse();
        HttpStatusCode status = response.getStatusCode() == null ? HttpStatus.OK : response.getStatusCode();
        if (status.is4xxClientError() || status.is5xxServerError()) {
            return store.release(siteId, key, token);
        }
        HttpHeaders headers = response.getHeaders();
        String contentType = headers.getContentType() == null ? null : headers.getContentType().toString();
        String location = headers.getFirst(HttpHeaders.LOCATION);
        IdempotencyStore.Response stored;
        if (!sensitive(exchange)) {
            stored = new IdempotencyStore.Response(status.value(), contentType, location, bytes, null, false);
        } else if (cipher != null) {
            stored = new IdempotencyStore.Response(status.value(), contentType, location, null,
                    cipher.encryptBytes(context(siteId, key, hash), bytes), false);
        } else {
            stored = new IdempotencyStore.Response(status.value(), contentType, location, null, null, true);
        }
        return store.complete(siteId, key, token, stored).doOnNext(own -> {
            if (!own) {
                log.warn("A request of site {} on {} outlived its Idempotency-Key lease, which another request "
                        + "took over: its response is not stored", siteId, exchange.getRequest().getPath());
            }
        }).then();
    }

    private static boolean sensitive(ServerWebExchange exchange) {
        if (Boolean.TRUE.equals(exchange.getAttribute(SENSITIVE_ATTRIBUTE))) {
            return true;
        }
        return exchange.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE) instanceof HandlerMethod method
                && method.hasMethodAnnotation(SensitiveResponse.class);
    }

    /** The associated data of a sealed response: it decrypts only in its own row. */
    private static String context(String siteId, String key, String hash) {
        return "idempotency:" + siteId + ":" + hash + ":" + key;
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
