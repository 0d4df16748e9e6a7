package io.masthead.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The calls to the gateway: customer creates (each one unique) and the liveness probe. */
final class Gateway implements AutoCloseable {

    private final HttpClient client;
    private final ExecutorService executor;
    private final URI customers;
    private final URI liveness;
    private final URI readiness;
    private final String authorization;
    private final Duration timeout;
    private final String runId;
    private final AtomicLong counter = new AtomicLong();
    private final JsonMapper json = JsonMapper.builder().build();

    Gateway(URI base, String key, Duration timeout, String runId) {
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-http");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
        this.customers = base.resolve("/v1/customers");
        this.liveness = base.resolve("/livez");
        this.readiness = base.resolve("/readyz");
        this.authorization = "Bearer " + key;
        this.timeout = timeout;
        this.runId = runId;
    }

    /** A customer with an email unique to this run. */
    HttpRequest createRequest() {
        long n = counter.incrementAndGet();
        String body = "{\"email\":\"bench-" + runId + "-" + n + "@example.com\",\"first_name\":\"Bench\","
                + "\"last_name\":\"" + runId + "\",\"phone\":\"+1 514 555 0100\"}";
        return HttpRequest.newBuilder(customers)
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** Creates one customer; on a 201, tells the tracker (measured: into {@code events}, else matched only). */
    CompletableFuture<Load.Outcome> createAsync(long due, EventTracker tracker, EventTracker.PhaseEvents events) {
        return client.sendAsync(createRequest(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> created(response, due, System.nanoTime(), tracker, events));
    }

    Load.Outcome create(long start, EventTracker tracker, EventTracker.PhaseEvents events)
            throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(createRequest(), HttpResponse.BodyHandlers.ofString());
        return created(response, start, System.nanoTime(), tracker, events);
    }

    private Load.Outcome created(HttpResponse<String> response, long start, long responded,
                                 EventTracker tracker, EventTracker.PhaseEvents events) {
        if (response.statusCode() != 201) {
            return Load.Outcome.error("HTTP " + response.statusCode(), response.body());
        }
        String id = customerId(response.body());
        if (id == null) {
            return Load.Outcome.error("201 without an id", response.body());
        }
        if (tracker != null) {
            tracker.responded(id, start, responded, events);
        }
        return Load.Outcome.OK;
    }

    String customerId(String body) {
        try {
            JsonNode id = json.readTree(body).get("id");
            return id != null && id.isString() ? id.asString() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    Load.Outcome liveness() throws IOException, InterruptedException {
        HttpResponse<Void> response = client.send(
                HttpRequest.newBuilder(liveness).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
        return response.statusCode() == 200 ? Load.Outcome.OK : Load.Outcome.error("HTTP " + response.statusCode(), null);
    }

    /** Null when the gateway answers its readiness probe with 200, else why not. */
    String notReady() {
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? null : "readiness answered " + response.statusCode() + ": " + response.body();
        } catch (IOException e) {
            return "no answer from " + readiness + " (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    @Override
    public void close() {
        client.shutdownNow();
        executor.shutdownNow();
    }
}
