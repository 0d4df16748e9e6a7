package io.masthead.test.engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL from zonky's embedded binaries (no Docker). The server is a {@code pg_ctl}-started postmaster; zonky
 * runs it through {@code unshare -U} when this JVM runs as root. Data stays in {@code dataDirectory} across
 * {@link #stop()}/{@link #start()} and across JVMs; {@link #close()} deletes it only if the engine is temporary.
 */
public final class EmbeddedPostgresEngine implements PostgresEngine {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresEngine.class);
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres"; // trust authentication: ignored, but clients want one

    private final Path dataDirectory;
    private volatile int port;
    /** The port was picked here (not asked for): another free one may replace it before the first start. */
    private final boolean portPicked;
    private boolean everStarted;
    private final Path logFile;
    private final boolean temporary;
    private EmbeddedPostgres server;

    /**
     * @param dataDirectory the cluster's data directory (initdb runs if it holds no cluster yet)
     * @param port          the port, 0 for a free one (chosen once, kept across restarts)
     * @param logFile       where the server's output goes
     * @param temporary     delete the data directory on {@link #close()}
     */
    public EmbeddedPostgresEngine(Path dataDirectory, int port, Path logFile, boolean temporary) {
        this.dataDirectory = dataDirectory.toAbsolutePath();
        this.port = port == 0 ? Ports.free() : port;
        this.portPicked = port == 0;
        this.logFile = logFile.toAbsolutePath();
        this.temporary = temporary;
    }

    public synchronized EmbeddedPostgresEngine start() {
        if (server != null) {
            return this;
        }
        long started = System.nanoTime();
        try {
            Files.createDirectories(dataDirectory);
            Files.createDirectories(logFile.getParent());
            stopOrphanPostmaster(dataDirectory);
            if (portPicked && !everStarted && Ports.inUse(port)) {
                port = Ports.free(); // taken since it was picked (another engine or a client's ephemeral port)
            }
            if (Ports.inUse(port)) {
                throw new IllegalStateException("Port " + port + " is already in use: cannot start PostgreSQL on it");
            }
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setRegisterShutdownHook(false) // Engines stops it, after the registry and services
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .setServerConfig("max_connections", "300");
            if (temporary) {
                builder.setServerConfig("fsync", "off")
                        .setServerConfig("full_page_writes", "off")
                        .setServerConfig("synchronous_commit", "off");
            } else {
                builder.setServerConfig("synchronous_commit", "on");
            }
            server = builder.start();
            everStarted = true;
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start (log: " + logFile + ")\n"
                    + ChildProcess.tail(logFile, 30), e);
        }
        log.info("PostgreSQL started in {} ms on port {} (data {}, log {})",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), port, dataDirectory, logFile);
        return this;
    }

    /** Stops the server, keeping its data; {@link #start()} starts it again on the same port. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        long started = System.nanoTime();
        try {
            server.close();
        } catch (IOException e) {
            log.warn("Stopping PostgreSQL failed", e);
        } finally {
            server = null;
        }
        log.info("PostgreSQL stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    @Override
    public synchronized void close() {
        stop();
        if (temporary) {
            Files2.deleteRecursively(dataDirectory);
        }
    }

    @Override
    public synchronized DatabaseCoordinates database(String name) {
        PostgresEngine.checkDatabaseName(name);
        if (server == null) {
            throw new IllegalStateException("PostgreSQL is not running");
        }
        createIfMissing(coordinates("postgres"), name);
        return coordinates(name);
    }

    @Override
    public String host() {
        return "localhost";
    }

    @Override
    public int port() {
        return port;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    private DatabaseCoordinates coordinates(String database) {
        return new DatabaseCoordinates(host(), port, database, USER, PASSWORD);
    }

    /** CREATE DATABASE unless it exists; shared with the container engine. */
    static void createIfMissing(DatabaseCoordinates admin, String name) {
        Properties properties = new Properties();
        properties.setProperty("user", admin.username());
        properties.setProperty("password", admin.password());
        // The driver itself, not DriverManager: that would load every JDBC driver on the classpath first (seconds).
        try (Connection connection = new org.postgresql.Driver().connect(admin.jdbcUrl(), properties)) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet rows = exists.executeQuery()) {
                    if (rows.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + name + "\"");
                log.info("Created database {}", name);
            }
        } catch (SQLException e) {
            if ("42P04".equals(e.getSQLState())) { // duplicate_database: created concurrently
                return;
            }
            throw new IllegalStateException("Could not create database " + name, e);
        }
    }

    /**
     * A postmaster left running on this data directory by a JVM that died without stopping it (SIGKILL):
     * stop it (fast shutdown), so this engine owns the directory again.
     */
    public static void stopOrphanPostmaster(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty()) {
                return;
            }
            long pid = Long.parseLong(lines.getFirst().trim());
            ProcessHandle handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElse(null);
            if (handle == null || handle.info().command().map(c -> !c.contains("postgres")).orElse(false)) {
                return; // stale pid file: postgres itself will ignore it
            }
            log.warn("Stopping an orphaned PostgreSQL server (pid {}) on {}", pid, dataDirectory);
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor(5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (handle.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (handle.isAlive()) {
                handle.destroyForcibly();
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("Could not check {}: {}", pidFile, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL on localhost:" + port;
    }
}
