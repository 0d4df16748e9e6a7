package io.masthead.webhook.delivery.infrastructure;

import io.masthead.webhook.delivery.model.AttemptOutcome;
import io.masthead.webhook.delivery.model.AttemptOutcome.Kind;
import io.masthead.webhook.delivery.model.RetryAfter;
import io.masthead.webhook.signing.model.WebhookSignature;
import io.masthead.webhook.ssrf.infrastructure.AddressGuard;
import io.masthead.webhook.ssrf.infrastructure.AddressRefusedException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Sends one signed webhook request and reports what came of it, never throwing: reactor-netty, redirects
 * never followed, connect and response timeouts, connections only to addresses the SSRF guard resolved and
 * allowed, and at most {@code bodyLimit} bytes of the response kept (the rest is not even read).
 */
public class WebhookSender implements AutoCloseable {

    public static final String USER_AGENT = "Masthead-Webhooks/1.0 (+https://standardwebhooks.com)";

    private final HttpClient client;
    private final ConnectionProvider connections;
    private final LoopResources loops;
    private final Clock clock;
    private final int bodyLimit;
    private final Duration overallTimeout;
    private final Duration responseTimeout;
    private final Duration connectTimeout;

    public WebhookSender(AddressGuard guard, Clock clock, Duration connectTimeout, Duration responseTimeout,
            int bodyLimit, int maxConnectionsPerHost) {
        this.clock = clock;
        this.bodyLimit = bodyLimit;
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        this.overallTimeout = longestAttempt(connectTimeout, responseTimeout);
        this.connections = ConnectionProvider.builder("webhooks")
                .maxConnections(maxConnectionsPerHost)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(overallTimeout)
                .maxIdleTime(Duration.ofSeconds(30))
                .maxLifeTime(Duration.ofMinutes(5))
                .build();
        // event loops of its own: deliveries never compete with the API's loops, nor share their lifecycle
        this.loops = LoopResources.create("webhook-http", Math.max(2, Runtime.getRuntime().availableProcessors()), true);
        this.client = HttpClient.create(connections)
                .runOn(loops)
                .resolver(guard.resolverGroup())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .responseTimeout(responseTimeout)
                .followRedirect(false)
                .compress(false)
                .keepAlive(true);
    }

    /**
     * The longest an attempt can take, waiting for a pooled connection included: past it the attempt is
     * abandoned as a timeout. A lease must outlast it.
     */
    public static Duration longestAttempt(Duration connectTimeout, Duration responseTimeout) {
        return connectTimeout.plus(responseTimeout.multipliedBy(2));
    }

    /**
     * POSTs {@code payload} to {@code url} with the Standard Webhooks headers: {@code webhook-id} =
     * {@code messageId} (the same for every attempt), {@code webhook-timestamp} = now, and one signature per
     * secret.
     */
    public Mono<AttemptOutcome> send(String url, String messageId, String payload, java.util.List<String> secrets) {
        return Mono.defer(() -> {
            long timestamp = clock.instant().getEpochSecond();
            String signature = WebhookSignature.header(messageId, timestamp, payload, secrets);
            byte[] body = payload.getBytes(StandardCharsets.UTF_8);
            long start = System.nanoTime();
            return client
                    .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                            .set(HttpHeaderNames.USER_AGENT, USER_AGENT)
                            .set(WebhookSignature.HEADER_ID, messageId)
                            .set(WebhookSignature.HEADER_TIMESTAMP, Long.toString(timestamp))
                            .set(WebhookSignature.HEADER_SIGNATURE, signature))
                    .post().uri(url)
                    .send((request, out) -> out.sendByteArray(Mono.just(body)))
                    .response((response, content) -> {
                        ByteArrayOutputStream kept = new ByteArrayOutputStream();
                        Mono<String> bodyText = bodyLimit == 0 ? Mono.just("")
                                : content.asByteArray()
                                        .takeUntil(chunk -> {
                                            kept.write(chunk, 0, Math.min(chunk.length, bodyLimit - kept.size()));
                                            return kept.size() >= bodyLimit;
                                        })
                                        .then(Mono.fromCallable(() -> truncatedUtf8(kept.toByteArray())));
                        String retryAfter = response.responseHeaders().get(HttpHeaderNames.RETRY_AFTER);
                        return bodyText.map(text -> AttemptOutcome.response(response.status().code(),
                                RetryAfter.parse(retryAfter, clock.instant()), elapsed(start), text));
                    })
                    .next()
                    .timeout(overallTimeout)
                    .onErrorResume(error -> Mono.just(failure(error, elapsed(start))));
        });
    }

    private AttemptOutcome failure(Throwable error, long millis) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AddressRefusedException refused) {
                return AttemptOutcome.failure(Kind.ADDRESS_REFUSED, refused.getMessage(), millis);
            }
            if (t instanceof ReadTimeoutException || t instanceof TimeoutException) {
                return AttemptOutcome.failure(Kind.TIMEOUT, "no response within " + responseTimeout.toMillis() + " ms",
                        millis);
            }
            if (t instanceof ConnectTimeoutException) {
                return AttemptOutcome.failure(Kind.TIMEOUT, "no connection within " + connectTimeout.toMillis() + " ms",
                        millis);
            }
        }
        String message = error.getMessage() == null ? error.getClass().getSimpleName()
                : error.getClass().getSimpleName() + ": " + error.getMessage();
        return AttemptOutcome.failure(Kind.CONNECTION_ERROR, message.length() > 500 ? message.substring(0, 500) : message,
                millis);
    }

    private static long elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }

    /** UTF-8 text of a prefix of a body, without a character cut in half at the end. */
    static String truncatedUtf8(byte[] bytes) {
        int end = bytes.length;
        // back off over a partial multi-byte sequence at the end
        int i = end - 1;
        int continuation = 0;
        while (i >= 0 && (bytes[i] & 0xC0) == 0x80 && continuation < 3) {
            i--;
            continuation++;
        }
        if (i >= 0) {
            int lead = bytes[i] & 0xFF;
            int needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
            if (needed > continuation) {
                end = i;
            }
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8).replace("\u0000", "");
    }

    @Override
    public void close() {
        connections.dispose();
        loops.dispose();
    }
}
