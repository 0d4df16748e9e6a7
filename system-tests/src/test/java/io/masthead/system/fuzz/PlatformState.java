package io.masthead.system.fuzz;

import io.masthead.test.engines.DatabaseCoordinates;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the platform holds, cheaply: the row count of every table of every service database and the end offset of
 * every partition of every (non-internal) topic. Two snapshots that are equal mean no row was inserted or deleted and
 * no record was published between them. Tables and topics are listed afresh each time, so those added later count.
 */
final class PlatformState implements AutoCloseable {

    private final Map<String, Connection> connections = new LinkedHashMap<>();
    private final Admin kafka;
    private final Map<String, String> tables = new LinkedHashMap<>();
    private final Map<TopicPartition, OffsetSpec> partitions = new LinkedHashMap<>();
    private long snapshots;

    PlatformState(Map<String, DatabaseCoordinates> databases, String bootstrapServers) {
        try {
            for (Map.Entry<String, DatabaseCoordinates> db : databases.entrySet()) {
                DatabaseCoordinates c = db.getValue();
                Connection connection = DriverManager.getConnection(c.jdbcUrl(), c.username(), c.password());
                connection.setAutoCommit(true);
                connections.put(db.getKey() + "/" + c.database(), connection);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Row counts ("service/database.table") and end offsets ("topic-partition"), sorted by name. */
    record Snapshot(Map<String, Long> counts) {

        /** What differs from {@code before}: "name before -> after", or an empty string. */
        String diff(Snapshot before) {
            Set<String> names = new TreeSet<>(counts.keySet());
            names.addAll(before.counts.keySet());
            return names.stream().filter(n -> !java.util.Objects.equals(before.counts.get(n), counts.get(n)))
                    .map(n -> n + " " + before.counts.get(n) + " -> " + counts.get(n))
                    .collect(Collectors.joining(", "));
        }
    }

    Snapshot snapshot() {
        if (snapshots++ % 50 == 0) { // tables and topics added since are listed again now and then
            tables.clear();
            partitions.clear();
        }
        Map<String, Long> counts = new TreeMap<>();
        try {
            for (Map.Entry<String, Connection> db : connections.entrySet()) {
                countRows(db.getKey(), db.getValue(), counts);
            }
            endOffsets(counts);
        } catch (SQLException | InterruptedException | ExecutionException | TimeoutException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("cannot take a snapshot of the platform: " + e, e);
        }
        return new Snapshot(counts);
    }

    /**
     * Polls until the platform is still: every outbox table empty (the relays have published everything), every
     * consumer group at the end of every partition it reads (the consumers have applied everything), and three
     * snapshots in a row equal. Returns the last snapshot (also when {@code atMost} passes first).
     */
    Snapshot settled(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        Snapshot last = snapshot();
        int stable = 0;
        while (System.nanoTime() < deadline && (stable < 2 || !outboxesEmpty(last) || !consumersCaughtUp(last))) {
            pause();
            Snapshot next = snapshot();
            stable = next.equals(last) ? stable + 1 : 0;
            last = next;
        }
        return last;
    }

    private static boolean outboxesEmpty(Snapshot snapshot) {
        return snapshot.counts().entrySet().stream().filter(e -> e.getKey().endsWith(".outbox"))
                .allMatch(e -> e.getValue() == 0);
    }

    /** Every consumer group of the services (not the tests' probes) has committed up to the end offsets. */
    private boolean consumersCaughtUp(Snapshot snapshot) {
        try {
            for (ConsumerGroupListing group : kafka.listConsumerGroups().all().get(10, TimeUnit.SECONDS)) {
                if (group.groupId().startsWith("topic-probe-")) {
                    continue;
                }
                Map<TopicPartition, OffsetAndMetadata> committed = kafka.listConsumerGroupOffsets(group.groupId())
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                for (Map.Entry<TopicPartition, OffsetAndMetadata> offset : committed.entrySet()) {
                    Long end = snapshot.counts().get("kafka." + offset.getKey());
                    if (end != null && offset.getValue() != null && offset.getValue().offset() < end) {
                        return false;
                    }
                }
            }
            return true;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(60); // the polling interval of a wait for a positive condition (stability), not a fixed wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void countRows(String name, Connection connection, Map<String, Long> counts) throws SQLException {
        String sql = this.tables.get(name);
        if (sql == null) {
            sql = countQuery(connection);
            this.tables.put(name, sql);
        }
        if (sql.isEmpty()) {
            return;
        }
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                counts.put(name + "." + rs.getString(1), rs.getLong(2));
            }
        }
    }

    private static String countQuery(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables
                      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
                        -- a failed login is recorded on purpose (the gateway's rate limit): the one 4xx that writes
                        AND table_name <> 'login_attempts'""")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables.stream().map(t -> "SELECT '" + t.replace("'", "''") + "', count(*) FROM " + t)
                .collect(Collectors.joining(" UNION ALL "));
    }

    private void endOffsets(Map<String, Long> counts)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (partitions.isEmpty()) {
            Set<String> topics = kafka.listTopics(new ListTopicsOptions().listInternal(false)).names()
                    .get(10, TimeUnit.SECONDS);
            if (topics.isEmpty()) {
                return;
            }
            Map<String, TopicDescription> descriptions = kafka.describeTopics(topics).allTopicNames()
                    .get(10, TimeUnit.SECONDS);
            descriptions.values().forEach(d -> d.partitions().forEach(p ->
                    partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        }
        kafka.listOffsets(partitions).all().get(10, TimeUnit.SECONDS)
                .forEach((tp, info) -> counts.put("kafka." + tp, info.offset()));
    }

    @Override
    public void close() {
        connections.values().forEach(c -> {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing at the end of the run
            }
        });
        kafka.close(Duration.ofSeconds(2));
    }
}
