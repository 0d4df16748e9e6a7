package io.masthead.webhook.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A webhook receiver on a free loopback port: each path answers as scripted for its n-th request (200 by
 * default), and every request is recorded with its headers and body.
 */
public final class TestReceiver implements AutoCloseable {

    /** What to answer: a status, headers, a body, after a delay (a long delay is a hang). */
    public record Reply(int status, Map<String, String> headers, String body, Duration delay) {

        public static Reply status(int status) {
            return new Reply(status, Map.of(), "", Duration.ZERO);
        }

        public static Reply ok() {
            return status(200);
        }

        public static Reply hang() {
            return new Reply(200, Map.of(), "", Duration.ofSeconds(20));
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> all = new java.util.LinkedHashMap<>(headers);
            all.put(name, value);
            return new Reply(status, all, body, delay);
        }

        public Reply withBody(String text) {
            return new Reply(status, headers, text, delay);
        }
    }

    /** A request as received. */
    public record Request(String path, Map<String, String> headers, String body, Instant at) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Map<String, IntFunction<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final DisposableServer server;
    private final LoopResources loops;

    public TestReceiver() {
        // its own event loops: a Spring context closing disposes reactor-netty's global ones
        loops = LoopResources.create("test-receiver", 2, true);
        server = HttpServer.create().runOn(loops).host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asString().defaultIfEmpty("")
                        .flatMap(body -> {
                            String path = request.path().isEmpty() ? "/" : "/" + request.path();
                            Map<String, String> headers = request.requestHeaders().entries().stream()
                                    .collect(Collectors.toMap(e -> e.getKey().toLowerCase(Locale.ROOT),
                                            Map.Entry::getValue, (a, b) -> a + "," + b));
                            requests.add(new Request(path, headers, body, Instant.now()));
                            int n = counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                            Reply reply = scripts.getOrDefault(path, i -> Reply.ok()).apply(n);
                            return Mono.delay(reply.delay()).then(Mono.defer(() -> {
                                response.status(reply.status());
                                reply.headers().forEach(response::header);
                                return response.sendString(Mono.just(reply.body())).then();
                            }));
                        }))
                .bindNow();
    }

    /** Answers the n-th request (from 1) to {@code path} with {@code script.apply(n)}. */
    public TestReceiver script(String path, IntFunction<Reply> script) {
        scripts.put(path, script);
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    public List<Request> all() {
        return new ArrayList<>(requests);
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(2));
        loops.dispose();
    }
}
