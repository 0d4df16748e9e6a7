package io.masthead.gateway;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A stand-in for a service behind the gateway: answers every request with {@code {"ok":true}}, serves an
 * OpenAPI document at {@code /v3/api-docs}, and records what it received.
 */
final class RecordingBackend implements AutoCloseable {

    record Received(String method, String uri, HttpHeaders headers) {
    }

    static final String API_DOCS = "{\"openapi\":\"3.1.0\",\"info\":{\"title\":\"customer-service\",\"version\":\"v1\"},\"paths\":{}}";

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final DisposableServer server;

    RecordingBackend() {
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> {
                    HttpHeaders headers = new HttpHeaders();
                    request.requestHeaders().forEach(header -> headers.add(header.getKey(), header.getValue()));
                    received.add(new Received(request.method().name(), request.uri(), headers));
                    String body = request.uri().equals("/v3/api-docs") ? API_DOCS : "{\"ok\":true}";
                    return response.header("Content-Type", "application/json").sendString(Mono.just(body));
                })
                .bindNow(Duration.ofSeconds(10));
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The next request received, waiting a little for it. */
    Received next() {
        try {
            Received next = received.poll(5, TimeUnit.SECONDS);
            if (next == null) {
                throw new AssertionError("the backend received no request");
            }
            return next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    boolean receivedNothing() {
        return received.isEmpty();
    }

    void forget() {
        received.clear();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
