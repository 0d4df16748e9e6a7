package io.masthead.platform.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Publishes the outbox to Kafka, in id order, on one dedicated thread and one JDBC connection.
 *
 * <ul>
 *   <li>One active relay per database: the connection holds a session advisory lock; other instances
 *       stand by and take over when it is released (including when the holder dies).</li>
 *   <li>Wakes on {@code LISTEN masthead_outbox} (notified on commit), with a polling backstop.</li>
 *   <li>Idempotent producer, {@code acks=all}: per-key order is kept within a partition. Rows are
 *       deleted only after Kafka acknowledged them; a crash in between publishes them again, which the
 *       consumers' inbox absorbs (at-least-once, never zero).</li>
 * </ul>
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    static final String CHANNEL = "masthead_outbox";

    private final OutboxProperties properties;
    private final String jdbcUrl;
    private final Properties jdbcProperties;
    private final Supplier<Producer<String, SpecificRecord>> producerFactory;
    private final RelayInterceptor interceptor;
    private final MeterRegistry meters;
    private final Map<String, SpecificDatumReader<SpecificRecord>> readers = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean active = new AtomicBoolean();
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private final Timer publishLatency;
    private final Counter failures;
    private volatile Thread thread;
    private volatile Connection connection;
    private Producer<String, SpecificRecord> producer;
    private KafkaClientMetrics producerMetrics;
    private long lastStatsAt;

    public OutboxRelay(OutboxProperties properties, String jdbcUrl, String user, String password,
            Supplier<Producer<String, SpecificRecord>> producerFactory, RelayInterceptor interceptor,
            MeterRegistry meters) {
        this.properties = properties;
        this.jdbcUrl = jdbcUrl;
        this.jdbcProperties = new Properties();
        if (user != null) {
            jdbcProperties.setProperty("user", user);
        }
        if (password != null) {
            jdbcProperties.setProperty("password", password);
        }
        jdbcProperties.setProperty("ApplicationName", "outbox-relay");
        this.producerFactory = producerFactory;
        this.interceptor = interceptor;
        this.meters = meters;
        Gauge.builder("masthead.outbox.backlog", backlog, AtomicLong::get)
                .description("Events in the outbox not yet published").register(meters);
        Gauge.builder("masthead.outbox.oldest.age", oldestAgeMillis, v -> v.get() / 1000.0)
                .description("Age of the oldest unpublished event").baseUnit("seconds").register(meters);
        Gauge.builder("masthead.outbox.relay.active", active, v -> v.get() ? 1 : 0)
                .description("1 while this instance holds the relay lock").register(meters);
        this.publishLatency = Timer.builder("masthead.outbox.publish.latency")
                .description("From the event's commit to its acknowledgement by Kafka")
                .publishPercentileHistogram().register(meters);
        this.failures = Counter.builder("masthead.outbox.relay.failures")
                .description("Relay rounds that failed (Kafka, registry or database unavailable)").register(meters);
    }

    /** How many relay rounds failed so far (each is retried). */
    public long failures() {
        return (long) failures.count();
    }

    @Override
    public void start() {
        if (running.compareAndSet(false, true)) {
            thread = Thread.ofPlatform().name("outbox-relay").daemon().start(this::loop);
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false)) {
            Thread t = thread;
            if (t != null) {
                t.interrupt();
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    /** Stops after the web server, so requests in flight still get their events queued. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2048;
    }

    public boolean isActive() {
        return active.get();
    }

    private void loop() {
        Duration backoff = Duration.ofMillis(200);
        while (running.get()) {
            try (Connection conn = DriverManager.getConnection(jdbcUrl, jdbcProperties)) {
                connection = conn;
                conn.setAutoCommit(true);
                awaitLock(conn);
                if (!running.get()) {
                    return;
                }
                log.info("Outbox relay active");
                try (Statement listen = conn.createStatement()) {
                    listen.execute("LISTEN " + CHANNEL);
                }
                backoff = Duration.ofMillis(200);
                while (running.get()) {
                    refreshStats(conn, false);
                    int published = publishBatch(conn);
                    if (published < properties.batchSize()) {
                        awaitNotification(conn);
                    }
                }
            } catch (Exception e) {
                if (!running.get()) {
                    break;
                }
                failures.increment();
                log.warn("Outbox relay failed ({}); retrying in {} ms", e.toString(), backoff.toMillis());
                closeProducer();
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
                        ? Duration.ofSeconds(10) : backoff.multipliedBy(2);
            } finally {
                active.set(false);
                connection = null;
            }
        }
        closeProducer();
    }

    private void awaitLock(Connection conn) throws SQLException {
        while (running.get()) {
            try (PreparedStatement ps = conn.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                ps.setLong(1, properties.lockKey());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        active.set(true);
                        return;
                    }
                }
            }
            refreshStats(conn, false);
            sleep(properties.standbyPoll());
        }
    }

    private record Row(long id, String eventId, String eventType, String topic, String key, String schema,
            byte[] payload, Timestamp createdAt) {
    }

    private int publishBatch(Connection conn) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("""
                SELECT id, event_id, event_type, topic, message_key, schema_name, payload, created_at
                  FROM outbox ORDER BY id LIMIT ?""")) {
            ps.setInt(1, properties.batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getBytes(7), rs.getTimestamp(8)));
                }
            }
        }
        if (rows.isEmpty()) {
            return 0;
        }
        Producer<String, SpecificRecord> p = producer();
        List<Future<RecordMetadata>> sent = new ArrayList<>(rows.size());
        Exception failure = null;
        for (Row row : rows) {
            ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(row.topic(), row.key(),
                    decode(row.schema(), row.payload()));
            record.headers().add("event_id", row.eventId().getBytes(StandardCharsets.UTF_8));
            record.headers().add("event_type", row.eventType().getBytes(StandardCharsets.UTF_8));
            Future<RecordMetadata> future;
            try {
                future = p.send(record);
            } catch (RuntimeException e) {
                failure = e;
                break;
            }
            sent.add(future);
            // A send that failed before reaching the producer's queue (no metadata while the broker is away,
            // serialization) fails on its own: later records could still get through and overtake it. Stop here.
            if (future.isDone() && failed(future)) {
                break;
            }
        }
        p.flush();
        // Only the acknowledged prefix counts as published: everything after the first failure is sent again
        // (duplicates go to the inbox). With sends stopped at the first early failure and the idempotent
        // producer keeping each partition in order, a later event can overtake an earlier one of the same key
        // only if the broker comes back within the milliseconds between two batches' delivery timeouts.
        List<Long> acked = new ArrayList<>(rows.size());
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failure = e;
                break;
            }
            Row row = rows.get(i);
            acked.add(row.id());
            Counter.builder("masthead.outbox.published").tag("topic", row.topic()).register(meters).increment();
            // wall time on both sides: created_at is the database's clock_timestamp() at insert
            publishLatency.record(Duration.between(row.createdAt().toInstant(), Instant.now()));
        }
        if (failure == null && sent.size() < rows.size()) {
            failure = new IllegalStateException("a send failed before reaching the producer");
        }
        if (!acked.isEmpty()) {
            interceptor.published(List.copyOf(acked));
            try (PreparedStatement delete = conn.prepareStatement("DELETE FROM outbox WHERE id = ANY (?)")) {
                Array ids = conn.createArrayOf("bigint", acked.toArray());
                delete.setArray(1, ids);
                delete.executeUpdate();
            }
        }
        if (failure != null) {
            throw failure;
        }
        return rows.size();
    }

    private static boolean failed(Future<RecordMetadata> future) {
        try {
            future.get();
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private void awaitNotification(Connection conn) throws SQLException {
        PGConnection pg = conn.unwrap(PGConnection.class);
        PGNotification[] notifications = pg.getNotifications((int) properties.pollInterval().toMillis());
        if (notifications == null && Thread.currentThread().isInterrupted() && !running.get()) {
            return;
        }
    }

    private void refreshStats(Connection conn, boolean force) throws SQLException {
        long now = System.nanoTime();
        if (!force && now - lastStatsAt < TimeUnit.SECONDS.toNanos(2)) {
            return;
        }
        lastStatsAt = now;
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), min(created_at) FROM outbox")) {
            rs.next();
            backlog.set(rs.getLong(1));
            Timestamp oldest = rs.getTimestamp(2);
            oldestAgeMillis.set(oldest == null ? 0 : Math.max(0, System.currentTimeMillis() - oldest.getTime()));
        }
    }

    private Producer<String, SpecificRecord> producer() {
        if (producer == null) {
            producer = producerFactory.get();
            producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(meters);
        }
        return producer;
    }

    private void closeProducer() {
        if (producerMetrics != null) {
            producerMetrics.close();
            producerMetrics = null;
        }
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("Closing producer", e);
            }
            producer = null;
        }
    }

    private SpecificRecord decode(String schemaName, byte[] payload) throws IOException {
        SpecificDatumReader<SpecificRecord> reader = readers.computeIfAbsent(schemaName, name -> {
            Class<?> type = SpecificData.get().getClass(
                    Schema.createRecord(simpleName(name), null, namespace(name), false));
            if (type == null) {
                throw new IllegalStateException("no generated class for schema " + name);
            }
            return new SpecificDatumReader<>(SpecificData.get().getSchema(type));
        });
        return reader.read(null, DecoderFactory.get().binaryDecoder(payload, null));
    }

    private static String simpleName(String fullName) {
        int dot = fullName.lastIndexOf('.');
        return dot < 0 ? fullName : fullName.substring(dot + 1);
    }

    private static String namespace(String fullName) {
        int dot = fullName.lastIndexOf('.');
        return dot < 0 ? null : fullName.substring(0, dot);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
