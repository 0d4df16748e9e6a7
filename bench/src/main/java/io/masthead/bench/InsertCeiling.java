package io.masthead.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling of the database work of a create on this machine: single-row INSERTs, autocommit, one JDBC
 * connection per worker, into a table shaped like a customer row (same key, unique email per site, site
 * index), in its own database on the platform's PostgreSQL. The table is emptied before and after.
 */
final class InsertCeiling {

    static final String TABLE = "bench_customers";

    private final BenchOptions options;
    private final String runId;

    InsertCeiling(BenchOptions options, String runId) {
        this.options = options;
        this.runId = runId;
    }

    private String url(String database) {
        return "jdbc:postgresql://" + (options.postgresHost().contains(":") ? "[" + options.postgresHost() + "]" : options.postgresHost())
                + ":" + options.postgresPort() + "/" + database;
    }

    private Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", options.postgresUser());
        props.setProperty("password", options.postgresPassword());
        props.setProperty("ApplicationName", "masthead-bench");
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url(database), props);
    }

    /** Creates the database and table if missing, empties the table; returns the server settings that matter. */
    Map<String, String> prepare() throws SQLException {
        try (Connection admin = connect("postgres");
             PreparedStatement exists = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, options.benchDatabase());
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (Statement create = admin.createStatement()) {
                        create.execute("CREATE DATABASE " + options.benchDatabase());
                    }
                }
            }
        }
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection c = connect(options.benchDatabase()); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS %s (
                        id          TEXT PRIMARY KEY,
                        site_id     TEXT        NOT NULL,
                        email       TEXT,
                        first_name  TEXT,
                        phone       TEXT,
                        metadata    JSONB       NOT NULL DEFAULT '{}',
                        created_at  TIMESTAMPTZ NOT NULL,
                        updated_at  TIMESTAMPTZ NOT NULL,
                        UNIQUE (site_id, email))""".formatted(TABLE));
            s.execute("CREATE INDEX IF NOT EXISTS " + TABLE + "_site ON " + TABLE + " (site_id, id)");
            s.execute("TRUNCATE " + TABLE);
            for (String name : List.of("server_version", "fsync", "synchronous_commit", "shared_buffers", "max_connections")) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    if (rs.next()) {
                        settings.put(name, rs.getString(1));
                    }
                }
            }
        }
        return settings;
    }

    Load.Run run() throws SQLException, InterruptedException {
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < options.workers(); i++) {
                Connection c = connect(options.benchDatabase());
                c.setAutoCommit(true);
                connections.add(c);
            }
            List<PreparedStatement> statements = new ArrayList<>();
            for (Connection c : connections) {
                statements.add(c.prepareStatement("INSERT INTO " + TABLE
                        + " (id, site_id, email, first_name, phone, metadata, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?)"));
            }
            AtomicLong counter = new AtomicLong();
            return Load.closedLoop(options.workers(), options.warmup(), options.maxDuration(), options.requestTimeout(),
                    w -> (start, measured) -> {
                        PreparedStatement insert = statements.get(w);
                        long n = counter.incrementAndGet();
                        Timestamp now = new Timestamp(System.currentTimeMillis());
                        insert.setString(1, "cus_" + ulidLike());
                        insert.setString(2, "site_bench");
                        insert.setString(3, "bench-" + runId + "-" + n + "@example.com");
                        insert.setString(4, "Bench");
                        insert.setString(5, "+15145550100");
                        insert.setString(6, "{}");
                        insert.setTimestamp(7, now);
                        insert.setTimestamp(8, now);
                        return insert.executeUpdate() == 1 ? Load.Outcome.OK : Load.Outcome.error("no row inserted", null);
                    });
        } finally {
            for (Connection c : connections) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /** Empties the table so that runs do not accumulate rows. */
    void cleanUp() {
        try (Connection c = connect(options.benchDatabase()); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + TABLE);
        } catch (SQLException e) {
            System.err.println("bench: could not empty " + TABLE + ": " + e.getMessage());
        }
    }

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

    /** Shaped like the service's ids: 10 characters of milliseconds, then 16 random (time-ordered key). */
    static String ulidLike() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[26];
        long millis = System.currentTimeMillis();
        for (int i = 9; i >= 0; i--) {
            id[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        for (int i = 10; i < id.length; i++) {
            id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}
