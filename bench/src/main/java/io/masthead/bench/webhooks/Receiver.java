package io.masthead.bench.webhooks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The webhook receiver of the benchmark, on loopback: answers 200 at once, and for each request to
 * {@code /e<n>} finds the customer id of the event ({@code data.object.id}) and records the time from that
 * event's send to now. Every 50th request's signature is checked against its endpoint's secret.
 */
final class Receiver implements AutoCloseable {

    private static final String MARKER = "\"data\":{\"object\":{\"id\":\"";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong rawReceived = new AtomicLong();
    private final AtomicLong badSignatures = new AtomicLong();
    private final AtomicLong checkedSignatures = new AtomicLong();
    private volatile Histogram latencies = newHistogram();

    Receiver(int threads) throws IOException {
        // the JDK server keeps at most 200 idle keep-alive connections by default and closes the others under
        // the clients' feet (10 endpoints x 16 connections each, plus the raw ceiling's workers)
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        System.setProperty("sun.net.httpserver.idleInterval", "120");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        executor = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name("receiver-", 0).factory());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static Histogram newHistogram() {
        return new ConcurrentHistogram(1, 600_000_000L, 3); // microseconds, up to 10 minutes
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void expectSecret(String path, String secret) {
        secrets.put(path, secret);
    }

    /** The event of {@code customerId} was sent at {@code nanos} (System.nanoTime). */
    void sent(String customerId, long nanos) {
        sentAt.put(customerId, nanos);
    }

    /** Starts a new measurement: returns the histogram of the previous one. */
    Histogram reset() {
        Histogram previous = latencies;
        latencies = newHistogram();
        return previous;
    }

    long received() {
        return received.get();
    }

    long rawReceived() {
        return rawReceived.get();
    }

    long badSignatures() {
        return badSignatures.get();
    }

    long checkedSignatures() {
        return checkedSignatures.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        if (path.startsWith("/raw")) {
            rawReceived.incrementAndGet();
        } else {
            long n = received.incrementAndGet();
            String text = new String(body, StandardCharsets.UTF_8);
            int at = text.indexOf(MARKER);
            if (at >= 0) {
                int start = at + MARKER.length();
                String customerId = text.substring(start, text.indexOf('"', start));
                Long sent = sentAt.get(customerId);
                if (sent != null) {
                    latencies.recordValue(Math.min(600_000_000L, Math.max(1, (now - sent) / 1000)));
                }
            }
            String secret = secrets.get(path);
            if (secret != null && n % 50 == 0) {
                checkedSignatures.incrementAndGet();
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                String timestamp = exchange.getRequestHeaders().getFirst("webhook-timestamp");
                String header = exchange.getRequestHeaders().getFirst("webhook-signature");
                String expected = sign(secret, id + "." + timestamp + "." + text);
                if (header == null || !java.util.List.of(header.split(" ")).contains(expected)) {
                    badSignatures.incrementAndGet();
                }
            }
        }
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }

    /** {@code v1,<base64 HMAC-SHA256>} with the key inside a {@code whsec_} secret. */
    static String sign(String secret, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
