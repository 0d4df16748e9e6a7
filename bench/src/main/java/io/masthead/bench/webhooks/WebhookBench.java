package io.masthead.bench.webhooks;

import io.masthead.webhook.delivery.infrastructure.WebhookSender;
import io.masthead.webhook.ssrf.infrastructure.AddressGuard;
import io.masthead.webhook.ssrf.model.AddressPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook fan-out benchmark, against a running webhook-service (the local run, or engines plus the jar):
 * <ol>
 *   <li>creates {@code --endpoints} (10) endpoints for {@code customer.created}, each on a local receiver;</li>
 *   <li>publishes {@code customer.created} to {@code customers.v1} as customer-service's relay does (Avro,
 *       Confluent wire format, headers event_id/event_type, keyed by customer id) at each fixed rate (open loop),
 *       and records for every delivery the time from the event's send to Kafka to its receipt;</li>
 *   <li>publishes a backlog as fast as Kafka takes it and measures how fast the deliveries drain (sustained
 *       deliveries/s);</li>
 *   <li>the raw ceiling: plain signed POSTs to the same receiver, as fast as {@code --raw-concurrency} workers
 *       go, and the ratio of 3 to it.</li>
 * </ol>
 * Calls webhook-service directly with a token signed by the local run's key ({@code --private-key}); only
 * loopback targets. Figures only: nothing is asserted. Writes Markdown to {@code --out}.
 *
 * <pre>
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) io.masthead.bench.webhooks.WebhookBench \
 *   [--webhooks http://localhost:8084] [--kafka localhost:19092] [--registry http://localhost:18081]
 *   [--private-key .data/keys/internal-jwt-private.pem] [--rates 50,200,1000] [--seconds 20] [--warmup 5]
 *   [--backlog 5000] [--endpoints 10] [--raw-seconds 10] [--raw-concurrency 160] [--out bench/target/webhooks.md]
 * </pre>
 */
public final class WebhookBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOPIC = "customers.v1";

    private final Map<String, String> options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String site = "site_bench_" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> endpointIds = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private String token;
    private String base;

    private WebhookBench(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        Map<String, String> options = new LinkedHashMap<>();
        options.put("webhooks", "http://localhost:8084");
        options.put("kafka", "localhost:19092");
        options.put("registry", "http://localhost:18081");
        options.put("private-key", ".data/keys/internal-jwt-private.pem");
        options.put("root", ".");
        options.put("rates", "50,200,1000");
        options.put("seconds", "20");
        options.put("warmup", "5");
        options.put("backlog", "5000");
        options.put("endpoints", "10");
        options.put("raw-seconds", "10");
        options.put("raw-concurrency", "160");
        options.put("receiver-threads", "2");
        options.put("out", "bench/target/webhooks.md");
        options.put("keep-endpoints", "false");
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length || !options.containsKey(args[i].substring(2))) {
                System.err.println("usage: WebhookBench " + options.keySet().stream().map(k -> "[--" + k + " " + options.get(k) + "]")
                        .reduce((a, b) -> a + " " + b).orElse(""));
                System.exit(2);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        for (String target : List.of(options.get("webhooks"), "http://" + options.get("kafka"), options.get("registry"))) {
            String host = URI.create(target).getHost();
            if (!List.of("localhost", "127.0.0.1", "::1", "[::1]").contains(host)) {
                System.err.println("bench: only loopback targets, not " + target);
                System.exit(2);
            }
        }
        new WebhookBench(options).run();
        System.exit(0);
    }

    private void run() throws Exception {
        base = options.get("webhooks").replaceAll("/+$", "");
        token = InternalToken.admin(Path.of(options.get("private-key")), site);
        awaitHealthy(Duration.ofSeconds(120));
        int endpoints = Integer.parseInt(options.get("endpoints"));
        AvroEvents avro = AvroEvents.connect(options.get("registry"), Path.of(options.get("root")));
        String loadBefore = loadAverage();
        say("webhook bench: %s, site %s, %d endpoints, %d cores", base, site, endpoints,
                Runtime.getRuntime().availableProcessors());

        try (Receiver receiver = new Receiver(Integer.parseInt(options.get("receiver-threads")));
             KafkaProducer<String, byte[]> producer = producer()) {
            for (int i = 0; i < endpoints; i++) {
                JsonNode created = call("POST", "/v1/webhook_endpoints", "{\"url\": \"" + receiver.url("/e" + i)
                        + "\", \"enabled_events\": [\"customer.created\"], \"description\": \"bench\"}");
                endpointIds.add(created.get("id").asString());
                receiver.expectSecret("/e" + i, created.get("secret").asString());
            }
            // the raw ceiling first, on a quiet platform: measured after the load, it would share the machine with
            // the service still writing the results of the backlog
            int rawConcurrency = Integer.parseInt(options.get("raw-concurrency"));
            rawCeiling(receiver, 3, rawConcurrency); // warm-up, not counted
            double raw = rawCeiling(receiver, Integer.parseInt(options.get("raw-seconds")), rawConcurrency);

            Runner runner = new Runner(producer, avro, receiver, endpoints);
            runner.warmUp();

            List<String[]> rows = new ArrayList<>();
            for (String rate : options.get("rates").split(",")) {
                rows.add(runner.atRate(Integer.parseInt(rate.strip()), Integer.parseInt(options.get("warmup")),
                        Integer.parseInt(options.get("seconds"))));
            }
            String[] backlog = runner.backlog(Integer.parseInt(options.get("backlog")));
            double sustained = Double.parseDouble(backlog[2]);

            String loadAfter = loadAverage();
            lines.add("# Webhook fan-out benchmark");
            lines.add("");
            lines.add("Run " + OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS) + ", "
                    + Runtime.getRuntime().availableProcessors() + " cores, " + endpoints + " endpoints on one local "
                    + "receiver, every event to every endpoint. Latency: from the event's send to Kafka to its receipt. "
                    + "Load average (1 min) before: " + loadBefore + ", after: " + loadAfter + ".");
            lines.add("");
            lines.add("| load | events | deliveries expected | received | deliveries/s | p50 ms | p90 ms | p99 ms | max ms |");
            lines.add("|---|---|---|---|---|---|---|---|---|");
            rows.forEach(r -> lines.add("| " + String.join(" | ", r) + " |"));
            lines.add("| " + String.join(" | ", backlog[0], backlog[1], backlog[3], backlog[4], backlog[2], backlog[5],
                    backlog[6], backlog[7], backlog[8]) + " |");
            lines.add("");
            lines.add(String.format(Locale.ROOT, "Raw ceiling (plain signed POSTs, webhook-service's own HTTP client, "
                    + "%s workers, same receiver, measured first on the quiet platform): %.0f requests/s. Sustained "
                    + "deliveries/s over the raw ceiling: %.0f %%.",
                    options.get("raw-concurrency"), raw, 100 * sustained / raw));
            lines.add(String.format(Locale.ROOT, "Signatures checked at the receiver: %d, invalid: %d.",
                    receiver.checkedSignatures(), receiver.badSignatures()));
            lines.forEach(System.out::println);
            Path out = Path.of(options.get("out"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, String.join("\n", lines) + "\n");
            say("written to %s", out);
        } finally {
            for (String id : Boolean.parseBoolean(options.get("keep-endpoints")) ? List.<String>of() : endpointIds) {
                try {
                    call("DELETE", "/v1/webhook_endpoints/" + id, null);
                } catch (Exception e) {
                    say("could not delete %s: %s", id, e);
                }
            }
        }
    }

    /** Publishes events and measures their deliveries. */
    private final class Runner {
        private final KafkaProducer<String, byte[]> producer;
        private final AvroEvents avro;
        private final Receiver receiver;
        private final int endpoints;
        private final AtomicLong sendFailures = new AtomicLong();

        Runner(KafkaProducer<String, byte[]> producer, AvroEvents avro, Receiver receiver, int endpoints) {
            this.producer = producer;
            this.avro = avro;
            this.receiver = receiver;
            this.endpoints = endpoints;
        }

        void send(String customerId) {
            String eventId = UUID.randomUUID().toString();
            long nanos = System.nanoTime();
            receiver.sent(customerId, nanos);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, customerId,
                    avro.customerCreated(eventId, site, System.currentTimeMillis(), customerId));
            record.headers().add("event_id", eventId.getBytes(StandardCharsets.UTF_8));
            record.headers().add("event_type", "customer.created".getBytes(StandardCharsets.UTF_8));
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    sendFailures.incrementAndGet();
                }
            });
        }

        void warmUp() throws InterruptedException {
            long before = receiver.received();
            for (int i = 0; i < 200; i++) {
                send("cus_warm_" + i);
                Thread.sleep(5);
            }
            await(before + 200L * endpoints, Duration.ofSeconds(60));
        }

        /** Sends {@code rate} events/s for warm-up + measured seconds; records only the measured part. */
        String[] atRate(int rate, int warmupSeconds, int seconds) throws InterruptedException {
            say("%d events/s: %d s warm-up, %d s measured", rate, warmupSeconds, seconds);
            String run = "cus_r" + rate + "_" + UUID.randomUUID().toString().substring(0, 6);
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            int warm = rate * warmupSeconds;
            int measured = rate * seconds;
            long measureStart = 0;
            for (int i = 0; i < warm + measured; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (i == warm) {
                    receiver.measure(run + "_m_");
                    measureStart = System.nanoTime();
                }
                send(run + (i < warm ? "_w_" : "_m_") + i);
            }
            long expected = (long) measured * endpoints;
            awaitMeasured(expected, Duration.ofSeconds(120));
            long elapsed = System.nanoTime() - measureStart;
            Histogram h = receiver.measure("-");
            long got = h.getTotalCount();
            return new String[] {rate + " events/s", Long.toString(measured), Long.toString(expected),
                Long.toString(got), fmt(got / (elapsed / 1e9)), ms(h, 50), ms(h, 90), ms(h, 99), fmt(h.getMaxValue() / 1000.0)};
        }

        /** Publishes {@code events} at once and measures how fast their deliveries arrive. */
        String[] backlog(int events) throws InterruptedException {
            say("backlog: %d events (%d deliveries) as fast as Kafka takes them", events, (long) events * endpoints);
            String run = "cus_b_" + UUID.randomUUID().toString().substring(0, 6) + "_";
            receiver.measure(run);
            long start = System.nanoTime();
            for (int i = 0; i < events; i++) {
                send(run + i);
            }
            producer.flush();
            long expected = (long) events * endpoints;
            awaitMeasured(expected, Duration.ofSeconds(300));
            long elapsed = System.nanoTime() - start;
            Histogram h = receiver.measure("-");
            long got = h.getTotalCount();
            double perSecond = got / (elapsed / 1e9);
            return new String[] {"backlog of " + events + " events", Long.toString(events), fmt(perSecond),
                Long.toString(expected), Long.toString(got), ms(h, 50), ms(h, 90), ms(h, 99),
                fmt(h.getMaxValue() / 1000.0)};
        }

        private void awaitMeasured(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (receiver.measuredCount() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (receiver.measuredCount() < count) {
                say("  (timed out: %d of %d deliveries arrived; send failures %d)", receiver.measuredCount(), count,
                        sendFailures.get());
            }
        }

        private void await(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (receiver.received() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (receiver.received() < count && !timeout.isZero()) {
                say("  (timed out: %d of %d deliveries arrived; send failures %d)", receiver.received(), count,
                        sendFailures.get());
            }
        }
    }

    /**
     * Plain signed POSTs, as fast as {@code concurrency} closed-loop workers go, with webhook-service's own HTTP
     * client: its {@link WebhookSender}, built with the service's default settings (timeouts, body limit, pool
     * size = max-concurrency, the SSRF guard as resolver with loopback allowed as in the local run), signing each
     * request with one secret. Only the database, the queue and the fan-out are left out.
     */
    private double rawCeiling(Receiver receiver, int seconds, int concurrency) {
        say("raw ceiling: %d workers for %d s (webhook-service's WebhookSender)", concurrency, seconds);
        String secret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
        String body = "{\"id\":\"evt_raw\",\"type\":\"customer.created\",\"created\":\"2026-01-01T00:00:00Z\","
                + "\"site_id\":\"site_bench\",\"data\":{\"object\":{\"id\":\"cus_raw\",\"object\":\"customer\","
                + "\"email\":\"raw@bench.example.com\",\"first_name\":\"Bench\",\"last_name\":\"Customer\"}}}";
        long before = receiver.rawReceived();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong failures = new AtomicLong();
        long start = System.nanoTime();
        try (AddressGuard guard = new AddressGuard(AddressPolicy.allowing(List.of("127.0.0.0/8")));
                WebhookSender sender = new WebhookSender(guard, java.time.Clock.systemUTC(), Duration.ofSeconds(15),
                        Duration.ofSeconds(15), 4096, 256)) {
            Flux.range(0, concurrency)
                    .flatMap(worker -> Mono.defer(() -> sender.send(receiver.url("/raw" + (worker % 10)),
                                    "evt_raw_" + worker, body, List.of(secret)))
                            .doOnNext(outcome -> {
                                if (!outcome.succeeded()) {
                                    failures.incrementAndGet();
                                }
                            })
                            .repeat(() -> System.nanoTime() < deadline), concurrency)
                    .blockLast(Duration.ofSeconds(seconds + 60L));
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            say("  raw ceiling: %d requests failed (counted out)", failures.get());
        }
        return (receiver.rawReceived() - before) / elapsed;
    }

    private void awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(base + " is not healthy after " + timeout);
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.get("kafka"));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "masthead-webhook-bench");
        return new KafkaProducer<>(props);
    }

    private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30));
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The 1-minute load average (Linux), to show what else the machine was doing. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? "-" : fmt(h.getValueAtPercentile(percentile) / 1000.0);
    }

    private static String fmt(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static void say(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }
}
