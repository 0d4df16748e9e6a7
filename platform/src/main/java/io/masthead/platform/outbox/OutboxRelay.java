package io.masthead.platform.outbox;

import io.masthead.platform.kafka.SchemaRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.nio.ByteBuffer;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
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
 *   <li>Exactly as written: a row's value is the magic byte, the registry id of the row's own writer schema
 *       ({@link WriterSchemaIds}) and the row's Avro bytes, unchanged. Nothing is decoded.</li>
 *   <li>A failure that is the row's own (the registry refuses its schema, no schema is stored for it, the record
 *       is too large, the topic does not exist) is counted on the row, which waits {@code retry-backoff} (doubling)
 *       before its next try, with the later rows of its key; after {@code max-attempts} it is parked in
 *       {@code outbox_parked} ({@code masthead.outbox.parked}) and the later rows of its key stay in the outbox
 *       until it is released or dropped. Other keys go on. Any other failure (Kafka, the registry or the
 *       database away) fails the round, which is retried with backoff, and is never counted on a row.</li>
 * </ul>
 */
public class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    static final String CHANNEL = "masthead_outbox";
    private static final byte MAGIC_BYTE = 0;
    private static final Duration MAX_RETRY_BACKOFF = Duration.ofMinutes(5);

    private final OutboxProperties properties;
    private final String jdbcUrl;
    private final Properties jdbcProperties;
    private final Supplier<Producer<String, byte[]>> producerFactory;
    private final WriterSchemaIds schemaIds;
    private final Topics topics;
    private final RelayInterceptor interceptor;
    private final MeterRegistry meters;
    private final Set<String> knownTopics = new HashSet<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean active = new AtomicBoolean();
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong parkedRows = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private final Timer publishLatency;
    private final Counter failures;
    private volatile Thread thread;
    private volatile Connection connection;
    private Producer<String, byte[]> producer;
    private KafkaClientMetrics producerMetrics;
    private long lastStatsAt;

    /**
     * @param registry the registry the writer schemas are resolved in (the producer only sends bytes)
     * @param topics   asked once per topic whether it exists ({@link Topics#ANY} not to ask)
     */
    public OutboxRelay(OutboxProperties properties, String jdbcUrl, String user, String password,
            Supplier<Producer<String, byte[]>> producerFactory, SchemaRegistry registry, Topics topics,
            RelayInterceptor interceptor, MeterRegistry meters) {
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
        this.schemaIds = new WriterSchemaIds(registry);
        this.topics = topics;
        this.interceptor = interceptor;
        this.meters = meters;
        Gauge.builder("masthead.outbox.backlog", backlog, AtomicLong::get)
                .description("Events in the outbox not yet published").register(meters);
        Gauge.builder("masthead.outbox.parked.rows", parkedRows, AtomicLong::get)
                .description("Events parked in outbox_parked, waiting for an operator").register(meters);
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
            String fingerprint, byte[] payload, Timestamp createdAt) {

        String orderingKey() {
            return topic + '\u0000' + key;
        }

        String schemaKey() {
            return fingerprint != null ? fingerprint : "name:" + schema;
        }
    }

    /**
     * One round: the first rows in id order whose key has no parked row and no row waiting for its retry. Each is
     * sent unless an earlier row of its key failed in this round; the acknowledged prefix is deleted; rows that
     * failed for a reason of their own are counted, and parked at {@code max-attempts}.
     *
     * @return how many rows were read
     */
    private int publishBatch(Connection conn) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("""
                SELECT o.id, o.event_id, o.event_type, o.topic, o.message_key, o.schema_name, o.schema_fingerprint,
                       o.payload, o.created_at
                  FROM outbox o
                 WHERE NOT EXISTS (SELECT 1 FROM outbox_parked p
                                    WHERE p.topic = o.topic AND p.message_key = o.message_key)
                   AND NOT EXISTS (SELECT 1 FROM outbox w
                                    WHERE w.retry_at IS NOT NULL AND w.retry_at > clock_timestamp()
                                      AND w.topic = o.topic AND w.message_key = o.message_key AND w.id <= o.id)
                 ORDER BY o.id LIMIT ?""")) {
            ps.setInt(1, properties.batchSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byte[] fingerprint = rs.getBytes(7);
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6),
                            fingerprint == null ? null : HexFormat.of().formatHex(fingerprint), rs.getBytes(8),
                            rs.getTimestamp(9)));
                }
            }
        }
        if (rows.isEmpty()) {
            return 0;
        }
        Set<String> fingerprints = new HashSet<>();
        Set<String> legacyNames = new HashSet<>();
        for (Row row : rows) {
            if (row.fingerprint() != null) {
                fingerprints.add(row.fingerprint());
            } else {
                legacyNames.add(row.schema());
            }
        }
        // the registry away fails the round here, before anything is sent: no row is blamed for it
        Map<String, WriterSchemaIds.Resolution> ids = schemaIds.resolve(conn, fingerprints, legacyNames);
        Producer<String, byte[]> p = producer();
        List<Row> sentRows = new ArrayList<>(rows.size());
        List<Future<RecordMetadata>> sent = new ArrayList<>(rows.size());
        Map<Row, String> rowFailures = new LinkedHashMap<>();
        Set<String> heldKeys = new HashSet<>();
        Exception failure = null;
        for (Row row : rows) {
            if (heldKeys.contains(row.orderingKey())) {
                continue; // an earlier row of its key failed: it waits for that one
            }
            WriterSchemaIds.Resolution resolution = ids.get(row.schemaKey());
            String ownFailure = resolution.error();
            if (ownFailure == null && !topicExists(row.topic())) {
                ownFailure = "topic " + row.topic() + " does not exist";
            }
            if (ownFailure != null) {
                rowFailures.put(row, ownFailure);
                heldKeys.add(row.orderingKey());
                continue;
            }
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(row.topic(), row.key(),
                    wireFormat(resolution.id(), row.payload()));
            record.headers().add("event_id", row.eventId().getBytes(StandardCharsets.UTF_8));
            record.headers().add("event_type", row.eventType().getBytes(StandardCharsets.UTF_8));
            Future<RecordMetadata> future;
            try {
                future = p.send(record);
            } catch (RuntimeException e) {
                if (isRowsOwn(e)) {
                    rowFailures.put(row, e.toString());
                    heldKeys.add(row.orderingKey());
                    continue;
                }
                failure = e;
                break;
            }
            // A send that failed before reaching the producer's queue (no metadata while the broker is away) fails on
            // its own: later records could still get through and overtake it. Stop here, unless the failure is the
            // record's own (too large): then only its key waits.
            if (future.isDone() && failed(future)) {
                Throwable cause = cause(future);
                if (isRowsOwn(cause)) {
                    rowFailures.put(row, cause.toString());
                    heldKeys.add(row.orderingKey());
                    continue;
                }
                sentRows.add(row);
                sent.add(future);
                break;
            }
            sentRows.add(row);
            sent.add(future);
        }
        p.flush();
        // Only the acknowledged prefix counts as published: everything after the first failure is sent again
        // (duplicates go to the inbox). With sends stopped at the first early failure and the idempotent
        // producer keeping each partition in order, a later event can overtake an earlier one of the same key
        // only if the broker comes back within the milliseconds between two batches' delivery timeouts.
        List<Long> acked = new ArrayList<>(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            Row row = sentRows.get(i);
            try {
                sent.get(i).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (isRowsOwn(e.getCause())) {
                    // refused by the broker after the producer took it (its limit below the producer's); later
                    // rows of its key in flight in this round may be published before it: keep max.request.size
                    // at or below the broker's message.max.bytes so the producer refuses such records first
                    rowFailures.put(row, e.getCause().toString());
                    continue;
                }
                failure = e;
                break;
            }
            acked.add(row.id());
            Counter.builder("masthead.outbox.published").tag("topic", row.topic()).register(meters).increment();
            // wall time on both sides: created_at is the database's clock_timestamp() at insert
            publishLatency.record(Duration.between(row.createdAt().toInstant(), Instant.now()));
        }
        if (!acked.isEmpty()) {
            interceptor.published(List.copyOf(acked));
            try (PreparedStatement delete = conn.prepareStatement("DELETE FROM outbox WHERE id = ANY (?)")) {
                Array array = conn.createArrayOf("bigint", acked.toArray());
                delete.setArray(1, array);
                delete.executeUpdate();
            }
        }
        for (Map.Entry<Row, String> rowFailure : rowFailures.entrySet()) {
            recordFailure(conn, rowFailure.getKey(), rowFailure.getValue());
        }
        if (failure != null) {
            throw failure;
        }
        return rows.size();
    }

    /** Failures that are the record's own: sending it again cannot help, but other records can go. */
    private static boolean isRowsOwn(Throwable e) {
        return e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException
                || e instanceof InvalidTopicException;
    }

    private boolean topicExists(String topic) throws Exception {
        if (knownTopics.contains(topic)) {
            return true;
        }
        if (!topics.exists(topic)) {
            return false;
        }
        knownTopics.add(topic);
        return true;
    }

    /** Counts a failure of the row's own; the row waits before its next try; parks it at max-attempts. */
    private void recordFailure(Connection conn, Row row, String error) throws SQLException {
        int attempts;
        try (PreparedStatement update = conn.prepareStatement("""
                UPDATE outbox SET attempts = attempts + 1, last_error = ?,
                       retry_at = clock_timestamp()
                           + make_interval(secs => LEAST(? * power(2, LEAST(attempts, 20)), ?))
                 WHERE id = ? RETURNING attempts""")) {
            update.setString(1, error);
            update.setDouble(2, properties.retryBackoff().toMillis() / 1000.0);
            update.setDouble(3, MAX_RETRY_BACKOFF.toSeconds());
            update.setLong(4, row.id());
            try (ResultSet rs = update.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                attempts = rs.getInt(1);
            }
        }
        if (attempts < properties.maxAttempts()) {
            log.warn("Outbox row {} ({} of {}, key {}) failed (try {} of {}): {}", row.id(), row.eventType(),
                    row.topic(), row.key(), attempts, properties.maxAttempts(), error);
            return;
        }
        conn.setAutoCommit(false);
        try (PreparedStatement park = conn.prepareStatement("""
                INSERT INTO outbox_parked (id, event_id, event_type, topic, message_key, schema_name, schema_fingerprint,
                                           payload, created_at, attempts, error, site_id)
                SELECT id, event_id, event_type, topic, message_key, schema_name, schema_fingerprint, payload,
                       created_at, attempts, last_error, site_id
                  FROM outbox WHERE id = ?""");
                PreparedStatement delete = conn.prepareStatement("DELETE FROM outbox WHERE id = ?")) {
            park.setLong(1, row.id());
            park.executeUpdate();
            delete.setLong(1, row.id());
            delete.executeUpdate();
            conn.commit();
        } catch (SQLException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(true);
        }
        Counter.builder("masthead.outbox.parked").description("Events parked after max-attempts failures of their own")
                .tag("topic", row.topic()).register(meters).increment();
        log.error("Outbox row {} ({} of {}, key {}) parked after {} tries: {}. Later events of its key wait until it is "
                        + "released (SELECT outbox_release(ARRAY[{}])) or dropped (DELETE FROM outbox_parked WHERE id = {})",
                row.id(), row.eventType(), row.topic(), row.key(), attempts, error, row.id(), row.id());
    }

    private static byte[] wireFormat(int schemaId, byte[] payload) {
        return ByteBuffer.allocate(5 + payload.length).put(MAGIC_BYTE).putInt(schemaId).put(payload).array();
    }

    private static Throwable cause(Future<RecordMetadata> future) {
        try {
            future.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
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
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM outbox_parked")) {
            rs.next();
            parkedRows.set(rs.getLong(1));
        }
    }

    private Producer<String, byte[]> producer() {
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

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
