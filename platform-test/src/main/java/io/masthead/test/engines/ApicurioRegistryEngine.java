package io.masthead.test.engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry (the Quarkus runnable {@code apicurio-registry-app:tar.gz:all}, unpacked by the build into
 * {@code masthead.engines.dir}) as a child JVM on the same JDK as this one. Storage is in-memory (Apicurio's
 * default: H2 in memory), or SQL storage in a PostgreSQL database when ids must survive restarts.
 */
public final class ApicurioRegistryEngine implements RegistryEngine {

    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistryEngine.class);
    public static final String VERSION = System.getProperty("masthead.apicurio.version", "3.3.3");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path quarkusRunJar;
    private final int port;
    private final Path logFile;
    private final DatabaseCoordinates storage;
    private ChildProcess registry;

    /**
     * @param enginesDirectory where the registry archive is unpacked ({@code masthead.engines.dir})
     * @param port             HTTP port, 0 for a free one
     * @param logFile          the registry's log
     * @param storage          a PostgreSQL database for SQL storage, or {@code null} for in-memory storage
     */
    public ApicurioRegistryEngine(Path enginesDirectory, int port, Path logFile, DatabaseCoordinates storage) {
        this.quarkusRunJar = findQuarkusRunJar(enginesDirectory);
        this.port = port == 0 ? Ports.free() : port;
        this.logFile = logFile.toAbsolutePath();
        this.storage = storage;
    }

    @Override
    public String url() {
        return "http://localhost:" + port + "/apis/registry/v3";
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized ApicurioRegistryEngine start() {
        if (registry != null && registry.isAlive()) {
            return this;
        }
        long started = System.nanoTime();
        if (Ports.inUse(port)) {
            throw new IllegalStateException("Port " + port + " is already in use: cannot start Apicurio Registry on it");
        }
        List<String> options = new ArrayList<>(List.of(
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                // what quarkus-run.jar's manifest asks for (manifest attributes apply only with -jar):
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-Dquarkus.http.host=localhost",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=localhost",
                "-Dquarkus.management.port=" + Ports.free(), // fixed 9000 by default: clashes between registries
                "-Dquarkus.log.category.\"io.quarkus.http.access-log\".level=WARN"));
        if (storage != null) {
            options.addAll(List.of(
                    "-Dapicurio.storage.kind=sql",
                    "-Dapicurio.storage.sql.kind=postgresql",
                    "-Dapicurio.datasource.url=" + storage.jdbcUrl(),
                    "-Dapicurio.datasource.username=" + storage.username(),
                    "-Dapicurio.datasource.password=" + storage.password(),
                    "-Dapicurio.datasource.jdbc.initial-size=2",
                    "-Dapicurio.datasource.jdbc.min-size=2",
                    "-Dapicurio.datasource.jdbc.max-size=10"));
        }
        String classpath = ChildProcess.watchdogClasspathEntry() + java.io.File.pathSeparator + quarkusRunJar;
        registry = ChildProcess.start("apicurio-registry",
                ChildProcess.javaCommand(options, classpath, "io.quarkus.bootstrap.runner.QuarkusEntryPoint", List.of()),
                quarkusRunJar.getParent(), logFile, Map.of());
        awaitReady();
        log.info("Apicurio Registry {} started in {} ms at {} ({} storage, log {})", VERSION,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), url(),
                storage == null ? "in-memory" : "PostgreSQL database " + storage.database(), logFile);
        return this;
    }

    public synchronized void stop() {
        if (registry == null) {
            return;
        }
        long started = System.nanoTime();
        registry.stop(Duration.ofSeconds(20));
        registry = null;
        log.info("Apicurio Registry stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    public synchronized boolean isRunning() {
        return registry != null && registry.isAlive();
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!registry.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with code " + registry.process().exitValue()
                        + " (log: " + logFile + ")\n" + registry.logTail(40));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted", e);
            }
        }
        registry.stop(Duration.ofSeconds(5));
        throw new IllegalStateException("Apicurio Registry did not answer within " + START_TIMEOUT + " (log: "
                + logFile + ")\n" + ChildProcess.tail(logFile, 40));
    }

    /** {@code quarkus-run.jar} under {@code <engines dir>/apicurio-registry-<version>}. */
    static Path findQuarkusRunJar(Path enginesDirectory) {
        Path home = enginesDirectory.resolve("apicurio-registry-" + VERSION);
        Optional<Path> jar = Optional.empty();
        if (Files.isDirectory(home)) {
            try (Stream<Path> files = Files.walk(home, 4)) {
                jar = files.filter(f -> f.getFileName().toString().equals("quarkus-run.jar")).findFirst();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return jar.orElseThrow(() -> new IllegalStateException("Apicurio Registry " + VERSION
                + " is not unpacked in " + home + ": build platform-test first "
                + "(./mvnw -B -q -pl platform-test -am install -DskipTests unpacks it), "
                + "or point -Dmasthead.engines.dir at the folder holding apicurio-registry-" + VERSION));
    }
}
