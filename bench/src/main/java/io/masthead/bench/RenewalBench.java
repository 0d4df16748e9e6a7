package io.masthead.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * N active monthly subscriptions of one test-mode site reaching their period end at the same simulated instant
 * (docs/benchmarks.md, "Renewals at one instant").
 *
 * <ol>
 *   <li>Setup (not measured): a product, a monthly plan, a customer and one subscription through the gateway (the
 *       template); then N - 1 clones of the template's rows in SQL on subscription-service's database: its
 *       {@code customer_view} row, its {@code subscriptions} row, its {@code subscription_periods} row and its
 *       {@code due_work} item {@code subscription.period_end}, with distinct ids and customer ids and the same due
 *       time.</li>
 *   <li>Measured: {@code POST /v1/test_clock/advance} to just after the period end; the time until every
 *       {@code subscription.renewed} of the N customers is on the topic (a consumer assigned to every partition
 *       from the end), and until the clock is {@code ready}; CPU per process; subscription-service's RSS and heap
 *       sampled every second, with the site's due items and unpublished outbox rows.</li>
 *   <li>Ceiling, same run: the same rows' database work done directly in SQL on a copy of them (a schema of its own,
 *       dropped after): one UPDATE of the N subscriptions' period columns, an INSERT of N period rows, an INSERT of
 *       N outbox rows of the events' size, the N due items replaced by the next ones.</li>
 * </ol>
 */
public final class RenewalBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RENEWED = "subscription.renewed";
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);

    private final RenewalOptions options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private RenewalBench(RenewalOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        RenewalOptions options;
        try {
            options = RenewalOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ProcessCpu.configure(options.launcherPidFile(), port(options.postgres()));
        new RenewalBench(options).run();
    }

    // ------------------------------------------------------------------------------------------------------- run

    private record Template(String siteId, String productId, String planId, String customerId, String subscriptionId,
                            Instant periodEnd) {
    }

    private record Sample(double atSeconds, long rssBytes, long heapBytes, long oldGenBytes, long dueLeft,
                          long outboxLeft, long renewedSeen) {
    }

    private void run() throws Exception {
        String runId = Long.toString(System.currentTimeMillis(), 36);
        int n = options.subscriptions();
        say("run %s: %,d subscriptions, gateway %s, database %s, topic %s", runId, n, options.gateway(),
                options.jdbcUrl(), options.topic());
        String uptimeBefore = uptime();

        Template template = createTemplate(runId);
        say("template: site %s, plan %s, customer %s, subscription %s, period end %s", template.siteId(),
                template.planId(), template.customerId(), template.subscriptionId(), template.periodEnd());

        Set<String> customers;
        double seedSeconds;
        try (Connection db = connect()) {
            long started = System.nanoTime();
            customers = seed(db, template, n);
            seedSeconds = (System.nanoTime() - started) / 1e9;
            say("seeded %,d clones in %.1f s (setup, not measured)", n - 1, seedSeconds);
        }

        Instant target = template.periodEnd().plusSeconds(1);
        AtomicLong seen = new AtomicLong();
        AtomicLong lastEventAt = new AtomicLong();
        AtomicLong firstEventAt = new AtomicLong();
        AtomicLong eventBytes = new AtomicLong();
        AtomicLong duplicates = new AtomicLong();
        long deadline = System.nanoTime() + options.timeout().toNanos();
        List<Sample> samples = new ArrayList<>();
        List<String> errors = new ArrayList<>();

        long t0;
        long readyAt = -1;
        CpuUsage.Snapshot cpuFrom;
        CpuUsage.Snapshot cpuAtEvents = null;
        try (RenewedEvents events = new RenewedEvents(options.kafka(), options.topic(), customers, seen, lastEventAt,
                firstEventAt, eventBytes, duplicates, deadline);
             Connection db = connect()) {
            events.start();
            cpuFrom = CpuUsage.snapshot();
            t0 = System.nanoTime();
            JsonNode advance = call("POST", "/v1/test_clock/advance", "{\"to\": \"" + iso(target) + "\"}", 202);
            say("advance accepted: %s", advance);
            long nextSample = t0;
            String status = "advancing";
            String lastError = "";
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (now >= nextSample) {
                    samples.add(sample(db, template.siteId(), target, (now - t0) / 1e9, seen.get()));
                    nextSample += SAMPLE_EVERY.toNanos();
                }
                if (seen.get() >= n && cpuAtEvents == null) {
                    cpuAtEvents = CpuUsage.snapshot();
                }
                if (readyAt < 0) {
                    JsonNode clock = call("GET", "/v1/test_clock", null, 200);
                    status = clock.path("status").asText();
                    if ("ready".equals(status) && clock.path("advancing_to").isNull()) {
                        readyAt = System.nanoTime();
                        say("clock ready at %s after %.1f s (%,d of %,d renewed seen)", clock.path("now").asText(),
                                (readyAt - t0) / 1e9, seen.get(), n);
                    } else if (!clock.path("last_error").asText("").equals(lastError)) {
                        lastError = clock.path("last_error").asText("");
                        say("clock after %.1f s: %s", (now - t0) / 1e9, clock);
                        errors.add(String.format(Locale.ROOT, "%.0f s: %s", (now - t0) / 1e9, lastError));
                    }
                }
                if (readyAt >= 0 && seen.get() >= n) {
                    break;
                }
                Thread.sleep(200);
            }
            samples.add(sample(db, template.siteId(), target, (System.nanoTime() - t0) / 1e9, seen.get()));
            if (events.failure() != null) {
                throw new IllegalStateException("the Kafka consumer failed", events.failure());
            }
        }
        CpuUsage.Snapshot cpuTo = cpuAtEvents != null ? cpuAtEvents : CpuUsage.snapshot();
        CpuUsage.Usage cpu = CpuUsage.between(cpuFrom, cpuTo);
        long renewed = seen.get();
        double eventsSeconds = renewed >= n ? (lastEventAt.get() - t0) / 1e9 : Double.NaN;
        double readySeconds = readyAt >= 0 ? (readyAt - t0) / 1e9 : Double.NaN;
        double firstSeconds = firstEventAt.get() > 0 ? (firstEventAt.get() - t0) / 1e9 : Double.NaN;
        int eventSize = renewed > 0 ? (int) (eventBytes.get() / renewed) : 1500;
        say("%,d of %,d renewed events seen; all on Kafka after %.1f s; clock ready after %.1f s; %,d duplicates",
                renewed, n, eventsSeconds, readySeconds, duplicates.get());

        Ceiling ceiling;
        try (Connection db = connect()) {
            ceiling = ceiling(db, template, eventSize);
        }
        say("ceiling: %,d renewals' database work in %.2f s (%s rows/s)", n, ceiling.seconds(),
                Report.rate(n / ceiling.seconds()));

        String report = report(runId, template, n, seedSeconds, renewed, duplicates.get(), firstSeconds, eventsSeconds,
                readySeconds, eventSize, cpu, samples, errors, ceiling, uptimeBefore, uptime());
        System.out.println(report);
        Path out = options.out();
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, report);
        say("written to %s", out);
        if (renewed < n) {
            System.exit(1);
        }
    }

    // ---------------------------------------------------------------------------------------------------- setup

    private Template createTemplate(String runId) throws Exception {
        JsonNode product = call("POST", "/v1/products", "{\"name\": \"Renewal bench " + runId + "\"}", 201);
        JsonNode plan = call("POST", "/v1/plans", """
                {"product": "%s", "nickname": "Monthly", "amount": 1900, "currency": "usd", "interval": "month"}"""
                .formatted(product.path("id").asText()), 201);
        JsonNode customer = call("POST", "/v1/customers", """
                {"email": "renewals-%s-0@example.com", "first_name": "Renewal", "last_name": "%s"}"""
                .formatted(runId, runId), 201);
        JsonNode subscription = null;
        for (int attempt = 0; attempt < 10 && subscription == null; attempt++) {
            HttpResponse<String> response = send("POST", "/v1/subscriptions", """
                    {"customer": "%s", "plan": "%s"}""".formatted(customer.path("id").asText(),
                    plan.path("id").asText()));
            if (response.statusCode() == 201) {
                subscription = JSON.readTree(response.body());
            } else if (response.statusCode() == 503) {
                Thread.sleep(1000); // customer-service not reachable for the customer lookup yet
            } else {
                throw new IllegalStateException("POST /v1/subscriptions: " + response.statusCode() + " "
                        + response.body());
            }
        }
        if (subscription == null || !"active".equals(subscription.path("status").asText())) {
            throw new IllegalStateException("the template subscription was not created active: " + subscription);
        }
        JsonNode clock = call("GET", "/v1/test_clock", null, 200);
        return new Template(clock.path("site_id").asText(), product.path("id").asText(), plan.path("id").asText(),
                customer.path("id").asText(), subscription.path("id").asText(),
                Instant.parse(subscription.path("current_period_end").asText()));
    }

    /**
     * Clones the template N - 1 times in one transaction; returns the N customer ids (the events' keys). Ids:
     * the template's prefix and the first 14 characters of its body, then a 12-digit sequence number, so they are
     * distinct, of the same length and alphabet, and sort after nothing of another run.
     */
    private Set<String> seed(Connection db, Template t, int n) throws SQLException {
        awaitRow(db, "SELECT 1 FROM due_work WHERE kind = 'subscription.period_end' AND key = ?", t.subscriptionId());
        boolean view = awaitRowQuietly(db, "SELECT 1 FROM customer_view WHERE id = ?", t.customerId());
        String subPrefix = t.subscriptionId().substring(0, 4 + 14);
        String cusPrefix = t.customerId().substring(0, 4 + 14);
        db.setAutoCommit(false);
        try (Statement s = db.createStatement()) {
            s.execute("SET LOCAL synchronous_commit = on");
            if (view) {
                exec(db, """
                        INSERT INTO customer_view (site_id, id, old_provider_id, email, first_name, last_name, phone,
                                                   display_name, organization_id, created_at, updated_at, search_text,
                                                   phone_digits)
                        SELECT c.site_id, ? || lpad(g::text, 12, '0'), NULL,
                               replace(c.email, '-0@', '-' || g || '@'), c.first_name, c.last_name, c.phone,
                               c.display_name, c.organization_id, c.created_at, c.updated_at,
                               replace(c.search_text, '-0@', '-' || g || '@'), c.phone_digits
                          FROM customer_view c, generate_series(1, ?) g
                         WHERE c.site_id = ? AND c.id = ?""", cusPrefix, n - 1, t.siteId(), t.customerId());
            }
            List<String> columns = columns(db, "subscriptions");
            String select = String.join(", ", columns.stream().map(c -> switch (c) {
                case "id" -> "? || lpad(g::text, 12, '0')";
                case "customer_id" -> "? || lpad(g::text, 12, '0')";
                default -> "s." + c;
            }).toList());
            exec(db, "INSERT INTO subscriptions (" + String.join(", ", columns) + ") SELECT " + select
                    + " FROM subscriptions s, generate_series(1, ?) g WHERE s.site_id = ? AND s.id = ?",
                    subPrefix, cusPrefix, n - 1, t.siteId(), t.subscriptionId());
            List<String> periodColumns = columns(db, "subscription_periods");
            String periodSelect = String.join(", ", periodColumns.stream()
                    .map(c -> c.equals("subscription_id") ? "? || lpad(g::text, 12, '0')" : "p." + c).toList());
            exec(db, "INSERT INTO subscription_periods (" + String.join(", ", periodColumns) + ") SELECT "
                    + periodSelect + " FROM subscription_periods p, generate_series(1, ?) g"
                    + " WHERE p.subscription_id = ?", subPrefix, n - 1, t.subscriptionId());
            exec(db, """
                    INSERT INTO due_work (site_id, livemode, kind, key, due_at, payload)
                    SELECT d.site_id, d.livemode, d.kind, ? || lpad(g::text, 12, '0'), d.due_at, d.payload
                      FROM due_work d, generate_series(1, ?) g
                     WHERE d.kind = 'subscription.period_end' AND d.key = ?""", subPrefix, n - 1, t.subscriptionId());
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
        try (Statement s = db.createStatement()) {
            s.execute("ANALYZE subscriptions");
            s.execute("ANALYZE subscription_periods");
            s.execute("ANALYZE due_work");
            s.execute("ANALYZE customer_view");
        }
        long due = count(db, "SELECT count(*) FROM due_work WHERE site_id = ? AND due_at = ?", t.siteId(),
                java.sql.Timestamp.from(t.periodEnd()));
        if (due != n) {
            throw new IllegalStateException("expected " + n + " due items of the site at " + t.periodEnd() + ", found "
                    + due);
        }
        Set<String> customers = new HashSet<>(n * 2);
        customers.add(t.customerId());
        for (int g = 1; g < n; g++) {
            customers.add(cusPrefix + String.format(Locale.ROOT, "%012d", g));
        }
        return customers;
    }

    // -------------------------------------------------------------------------------------------------- ceiling

    private record Ceiling(double seconds, double updateSeconds, double periodsSeconds, double outboxSeconds,
                           double dueSeconds, int rows) {
    }

    /**
     * The renewals' database work, set-wise, on a copy of the site's rows in a schema of its own (same columns,
     * indexes and checks; no foreign keys), one transaction: what the platform could not beat on this machine.
     */
    private Ceiling ceiling(Connection db, Template t, int eventSize) throws SQLException {
        String schema = "bench_renewals_ceiling";
        try (Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
            for (String table : List.of("subscriptions", "subscription_periods", "outbox", "due_work")) {
                s.execute("CREATE TABLE " + schema + "." + table + " (LIKE public." + table + " INCLUDING ALL)");
            }
            for (String table : List.of("outbox", "due_work")) { // own sequences, not the service's
                s.execute("CREATE SEQUENCE " + schema + "." + table + "_id_seq");
                s.execute("ALTER TABLE " + schema + "." + table + " ALTER COLUMN id SET DEFAULT nextval('" + schema
                        + "." + table + "_id_seq')");
            }
        }
        try {
            // the rows as they were before the renewal: the seeded state (period 0), the period rows, the due items
            exec(db, "INSERT INTO " + schema + ".subscriptions SELECT * FROM subscriptions WHERE site_id = ?", t.siteId());
            exec(db, "UPDATE " + schema + ".subscriptions SET period_number = 0, current_period_start = start_date,"
                    + " current_period_end = ?", java.sql.Timestamp.from(t.periodEnd()));
            exec(db, "INSERT INTO " + schema + ".subscription_periods SELECT * FROM subscription_periods"
                    + " WHERE site_id = ? AND kind = 'initial'", t.siteId());
            exec(db, "INSERT INTO " + schema + ".due_work (site_id, livemode, kind, key, due_at) SELECT site_id,"
                    + " livemode, 'subscription.period_end', id, current_period_end FROM " + schema + ".subscriptions");
            try (Statement s = db.createStatement()) {
                s.execute("ANALYZE " + schema + ".subscriptions");
                s.execute("ANALYZE " + schema + ".subscription_periods");
                s.execute("ANALYZE " + schema + ".due_work");
            }
            int rows = (int) count(db, "SELECT count(*) FROM " + schema + ".subscriptions");
            db.setAutoCommit(false);
            long started = System.nanoTime();
            long a;
            long b;
            long c;
            try {
                exec(db, "UPDATE " + schema + ".subscriptions SET period_number = period_number + 1,"
                        + " current_period_start = current_period_end,"
                        + " current_period_end = current_period_end + interval '1 month', updated_at = ?",
                        java.sql.Timestamp.from(t.periodEnd()));
                a = System.nanoTime();
                exec(db, "INSERT INTO " + schema + ".subscription_periods (subscription_id, site_id, period_start,"
                        + " period_end, period_number, kind, plan_id, amount, currency, created_at)"
                        + " SELECT id, site_id, current_period_start, current_period_end, period_number, 'renewal',"
                        + " plan_id, plan_amount, currency, updated_at FROM " + schema + ".subscriptions");
                b = System.nanoTime();
                // an event's stored bytes: the size of the renewed events seen on the topic, not compressible
                exec(db, "INSERT INTO " + schema + ".outbox (event_id, event_type, topic, message_key, schema_name,"
                        + " schema_fingerprint, payload, site_id)"
                        + " SELECT gen_random_uuid(), 'subscription.renewed', 'subscriptions.v1', customer_id,"
                        + " 'io.masthead.events.subscription.SubscriptionRenewed', decode(md5('f'), 'hex'),"
                        + " substring(decode(repeat(md5(id), ?), 'hex') from 1 for ?), site_id"
                        + " FROM " + schema + ".subscriptions", eventSize / 16 + 1, eventSize);
                c = System.nanoTime();
                exec(db, "DELETE FROM " + schema + ".due_work WHERE kind = 'subscription.period_end'");
                exec(db, "INSERT INTO " + schema + ".due_work (site_id, livemode, kind, key, due_at) SELECT site_id,"
                        + " livemode, 'subscription.period_end', id, current_period_end FROM " + schema
                        + ".subscriptions");
                db.commit();
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
            long done = System.nanoTime();
            return new Ceiling((done - started) / 1e9, (a - started) / 1e9, (b - a) / 1e9, (c - b) / 1e9,
                    (done - c) / 1e9, rows);
        } finally {
            try (Statement s = db.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- sampling

    private static final Pattern HEAP = Pattern.compile(
            "^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*id=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE);

    private Sample sample(Connection db, String siteId, Instant target, double at, long renewed) {
        long rss = rss();
        long heap = -1;
        long oldGen = -1;
        try {
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + options.managementPort() + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = HEAP.matcher(metrics.body());
            heap = 0;
            while (m.find()) {
                long bytes = (long) Double.parseDouble(m.group(2));
                heap += bytes;
                if (m.group(1).contains("Tenured") || m.group(1).contains("Old")) {
                    oldGen = bytes;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not answered within the sample: left empty
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long due = -1;
        long outbox = -1;
        try {
            due = count(db, "SELECT count(*) FROM due_work WHERE site_id = ? AND due_at <= ?", siteId,
                    java.sql.Timestamp.from(target));
            outbox = count(db, "SELECT count(*) FROM outbox WHERE site_id = ?", siteId);
        } catch (SQLException e) {
            // left empty
        }
        return new Sample(at, rss, heap, oldGen, due, outbox, renewed);
    }

    private long rss() {
        try {
            String pid = Files.readString(options.pidFile()).replaceAll("[^0-9]", "");
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------------------ the topic

    /** Counts the first subscription.renewed of each expected customer; reads from the end, on its own thread. */
    private static final class RenewedEvents implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final Set<String> expected;
        private final Set<String> received = ConcurrentHashMap.newKeySet();
        private final AtomicLong seen;
        private final AtomicLong last;
        private final AtomicLong first;
        private final AtomicLong bytes;
        private final AtomicLong duplicates;
        private final long deadline;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean running = true;
        private Thread thread;

        RenewedEvents(String bootstrap, String topic, Set<String> expected, AtomicLong seen, AtomicLong last,
                AtomicLong first, AtomicLong bytes, AtomicLong duplicates, long deadline) {
            this.expected = expected;
            this.seen = seen;
            this.last = last;
            this.first = first;
            this.bytes = bytes;
            this.duplicates = duplicates;
            this.deadline = deadline;
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, "masthead-bench-renewals");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(props);
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                consumer.close();
                throw new IllegalStateException("topic " + topic + " not found");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            for (TopicPartition p : partitions) {
                consumer.position(p, Duration.ofSeconds(30)); // resolved now: nothing sent later is missed
            }
        }

        void start() {
            thread = new Thread(this::run, "bench-renewed-events");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try {
                while (running && System.nanoTime() < deadline) {
                    var batch = consumer.poll(Duration.ofMillis(100));
                    long now = System.nanoTime();
                    for (ConsumerRecord<String, byte[]> record : batch) {
                        Header type = record.headers().lastHeader("event_type");
                        if (type == null || !RENEWED.equals(new String(type.value(), StandardCharsets.UTF_8))
                                || !expected.contains(record.key())) {
                            continue;
                        }
                        if (received.add(record.key())) {
                            bytes.addAndGet(record.value() == null ? 0 : Math.max(0, record.value().length - 5));
                            first.compareAndSet(0, now);
                            last.set(now);
                            seen.incrementAndGet();
                        } else {
                            duplicates.incrementAndGet();
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        Throwable failure() {
            return failure.get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            if (thread != null) {
                thread.join(5000);
            }
            consumer.close(Duration.ofSeconds(2));
        }
    }

    // --------------------------------------------------------------------------------------------------- report

    private String report(String runId, Template t, int n, double seedSeconds, long renewed, long duplicates,
            double firstSeconds, double eventsSeconds, double readySeconds, int eventSize, CpuUsage.Usage cpu,
            List<Sample> samples, List<String> errors, Ceiling ceiling, String uptimeBefore, String uptimeAfter) {
        StringBuilder out = new StringBuilder();
        double rate = n / eventsSeconds;
        double ceilingRate = n / ceiling.seconds();
        out.append("## Renewals at one instant: run ").append(runId).append(", ")
                .append(DateTimeFormatter.ISO_LOCAL_DATE.format(Instant.now().atOffset(ZoneOffset.UTC))).append("\n\n");
        out.append(String.format(Locale.ROOT, "- %,d active monthly subscriptions of site `%s`, due at %s "
                + "(template %s; %,d clones seeded in SQL in %.1f s, not measured)%n", n, t.siteId(), t.periodEnd(),
                t.subscriptionId(), n - 1, seedSeconds));
        out.append("- machine before: `").append(uptimeBefore).append("`; after: `").append(uptimeAfter).append("`\n\n");
        out.append("| measure | value |\n|---|---:|\n");
        out.append(row("renewed events seen / expected", String.format(Locale.ROOT, "%,d / %,d", renewed, n)));
        out.append(row("duplicates seen", Long.toString(duplicates)));
        out.append(row("first renewed event on Kafka (s after the advance)", secs(firstSeconds)));
        out.append(row("**every renewed event on Kafka (s)**", "**" + secs(eventsSeconds) + "**"));
        out.append(row("clock `ready` (s)", secs(readySeconds)));
        out.append(row("**renewals/s** (N ÷ time to the last event)", "**" + Report.rate(rate) + "**"));
        out.append(row("ceiling: same database work set-wise in SQL (s)", String.format(Locale.ROOT,
                "%.2f (UPDATE %.2f, periods %.2f, outbox %.2f, due items %.2f)", ceiling.seconds(),
                ceiling.updateSeconds(), ceiling.periodsSeconds(), ceiling.outboxSeconds(), ceiling.dueSeconds())));
        out.append(row("ceiling renewals/s", Report.rate(ceilingRate)));
        out.append(row("**ratio** renewals/s ÷ ceiling", String.format(Locale.ROOT, "**%.3f**", rate / ceilingRate)));
        out.append(row("event size (bytes, Avro body)", Integer.toString(eventSize)));
        out.append(row("target < 60 s", eventsSeconds < 60 ? "met" : "not met"));
        if (!errors.isEmpty()) {
            out.append("\nThe clock's `last_error` while advancing (each change, seconds after the advance):\n\n");
            errors.forEach(e -> out.append("- ").append(e.isEmpty() || e.equals("null") ? "(cleared)" : e).append('\n'));
        }
        out.append("\nCPU from the advance to the last event, % of all cores (machine: ")
                .append(Report.percent(cpu.machine())).append("):\n\n");
        List<String> groups = ProcessCpu.order(cpu.byProcess().keySet());
        out.append("| ").append(String.join(" | ", groups)).append(" |\n|");
        groups.forEach(g -> out.append("---:|"));
        out.append("\n| ");
        out.append(String.join(" | ", groups.stream().map(g -> Report.percent(cpu.byProcess().get(g))).toList()));
        out.append(" |\n\n");
        double counted = cpu.byProcess().values().stream().mapToDouble(Double::doubleValue).sum();
        out.append(String.format(Locale.ROOT, "Processes that ended during the run are in no column: the machine's "
                + "busy share minus the columns is %s (processes that started and ended within the run, e.g. builds and tests).%n%n",
                Report.percent(Math.max(0, cpu.machine() - counted))));
        out.append("subscription-service memory and the site's backlog, sampled every second:\n\n");
        out.append("| t (s) | RSS MiB | heap used MiB | old gen MiB | due items left | outbox rows left | renewed on Kafka |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        int step = Math.max(1, samples.size() / 40);
        for (int i = 0; i < samples.size(); i++) {
            if (i % step != 0 && i != samples.size() - 1) {
                continue;
            }
            Sample s = samples.get(i);
            out.append(String.format(Locale.ROOT, "| %.0f | %s | %s | %s | %s | %s | %,d |%n", s.atSeconds(),
                    mib(s.rssBytes()), mib(s.heapBytes()), mib(s.oldGenBytes()), num(s.dueLeft()), num(s.outboxLeft()),
                    s.renewedSeen()));
        }
        long maxRss = samples.stream().mapToLong(Sample::rssBytes).max().orElse(-1);
        long minRss = samples.stream().mapToLong(Sample::rssBytes).filter(v -> v > 0).min().orElse(-1);
        long maxOld = samples.stream().mapToLong(Sample::oldGenBytes).max().orElse(-1);
        out.append(String.format(Locale.ROOT, "%nRSS %s – %s MiB, old gen at most %s MiB.%n", mib(minRss), mib(maxRss),
                mib(maxOld)));
        return out.toString();
    }

    private static String row(String name, String value) {
        return "| " + name + " | " + value + " |\n";
    }

    private static String secs(double s) {
        return Double.isNaN(s) ? "–" : String.format(Locale.ROOT, "%.1f", s);
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "–" : String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
    }

    private static String num(long v) {
        return v < 0 ? "–" : String.format(Locale.ROOT, "%,d", v);
    }

    // ---------------------------------------------------------------------------------------------------- utils

    private JsonNode call(String method, String path, String body, int expected) throws Exception {
        HttpResponse<String> response = send(method, path, body);
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(options.gateway().resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + options.key())
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(options.jdbcUrl(), options.pgUser(), options.pgPassword());
    }

    private static List<String> columns(Connection db, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement s = db.prepareStatement("""
                SELECT column_name FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position""")) {
            s.setString(1, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    private static void exec(Connection db, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }

    private static long count(Connection db, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = db.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void awaitRow(Connection db, String sql, String param) throws SQLException {
        if (!awaitRowQuietly(db, sql, param)) {
            throw new IllegalStateException("not found within 30 s: " + sql + " [" + param + "]");
        }
    }

    private static boolean awaitRowQuietly(Connection db, String sql, String param) throws SQLException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (PreparedStatement s = db.prepareStatement(sql)) {
                s.setString(1, param);
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        return true;
                    }
                }
            }
            if (System.nanoTime() > until) {
                return false;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private static String iso(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    private static int port(String hostAndPort) {
        return Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
    }

    private static String uptime() {
        try {
            String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return "load average " + load[0] + ", " + load[1] + ", " + load[2];
        } catch (IOException e) {
            return "load unknown";
        }
    }

    private void say(String format, Object... args) {
        String line = String.format(Locale.ROOT, "[renewals] " + format, args);
        System.err.println(line);
    }

}
