package io.masthead.test.platform;

import io.masthead.local.Services;
import io.masthead.platform.security.PemKeys;
import io.masthead.test.engines.ChildProcess;
import io.masthead.test.engines.DatabaseCoordinates;
import io.masthead.test.engines.Engines;
import io.masthead.test.engines.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform for end-to-end tests: every service of {@code deploy/local/services.properties} started
 * from its built jar as its own JVM, exactly as the local run starts it, on free ports, against this JVM's
 * shared engines. Reach it through {@link #gatewayUrl()} with real secret keys ({@link #createSite}).
 */
public final class PlatformUnderTest implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PlatformUnderTest.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    /** The Idempotency-Key lease of the services under test (shorter than deployed, so crash tests are short). */
    public static final Duration IDEMPOTENCY_LEASE = Duration.ofSeconds(10);
    private static PlatformUnderTest shared;

    private final Path root;
    private final Path work;
    private final Engines engines;
    private final Services.Keys keys;
    private final List<Services.Definition> definitions;
    private final Map<String, ChildProcess> running = new LinkedHashMap<>();

    private PlatformUnderTest(Path root) {
        this.root = root;
        this.engines = Engines.shared();
        try {
            this.work = Files.createTempDirectory("masthead-platform-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KeyPair pair = PemKeys.generateRsa();
        this.keys = new Services.Keys(work.resolve("jwt-private.pem"), work.resolve("jwt-public.pem"),
                work.resolve("dev-site.key"), work.resolve("webhook-secret-keys"));
        PemKeys.writePrivate(keys.privateKey(), pair.getPrivate());
        PemKeys.writePublic(keys.publicKey(), pair.getPublic());
        Services.writeWebhookSecretKey(keys.webhookSecretKeys(), "test-run"); // a new key per run
        List<Services.Definition> onFreePorts = new ArrayList<>();
        Set<Integer> taken = new HashSet<>();
        for (Services.Definition service : Services.read(root)) {
            if (!Files.isRegularFile(Services.jarOf(root, service))) {
                throw new IllegalStateException("the jar of " + service.name() + " is missing: "
                        + Services.jarOf(root, service) + " (run the tests through Maven: ./masthead test)");
            }
            onFreePorts.add(service.withPorts(freePort(taken), freePort(taken))); // public, management
        }
        this.definitions = List.copyOf(onFreePorts);
    }

    /** A free port not handed out already. */
    private static int freePort(Set<Integer> taken) {
        int port;
        do {
            port = Ports.free();
        } while (!taken.add(port));
        return port;
    }

    /** The platform of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized PlatformUnderTest shared() {
        if (shared == null) {
            PlatformUnderTest platform = new PlatformUnderTest(repositoryRoot());
            platform.startAll();
            Runtime.getRuntime().addShutdownHook(new Thread(platform::close, "masthead-platform-stop"));
            shared = platform;
        }
        return shared;
    }

    private void startAll() {
        long started = System.nanoTime();
        definitions.forEach(this::launch);
        List<CompletableFuture<Void>> ready = definitions.stream().map(service -> CompletableFuture.runAsync(
                () -> Services.awaitReady(running.get(service.name()), service, READY_TIMEOUT),
                Engines.THREAD_PER_TASK)).toList();
        CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
        log.info("Platform under test ready in {} ms: {}", (System.nanoTime() - started) / 1_000_000, definitions);
    }

    private void launch(Services.Definition service) {
        ChildProcess process = ChildProcess.start(service.name(),
                Services.command(root, Services.copyJar(root, service, work.resolve("jars")), service, definitions,
                        engines,
                        keys, List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), List.of(
                                // a claim a killed service leaves is taken over after this (30 s deployed)
                                "--masthead.idempotency.lease=" + IDEMPOTENCY_LEASE.toSeconds() + "s")), root,
                work.resolve("logs").resolve(service.name() + ".log"), Map.of());
        running.put(service.name(), process);
    }

    /** Stops one service (as a crash would: SIGKILL when {@code kill} is true, else a clean stop). */
    public synchronized void stop(String name, boolean kill) {
        ChildProcess process = running.get(name);
        if (kill) {
            process.process().destroyForcibly();
            process.process().onExit().join();
        } else {
            process.stop(Duration.ofSeconds(30));
        }
    }

    /** Starts a stopped service again and waits until it is ready. */
    public synchronized void start(String name) {
        Services.Definition service = definition(name);
        launch(service);
        Services.awaitReady(running.get(name), service, READY_TIMEOUT);
    }

    public String gatewayUrl() {
        return "http://localhost:" + definition("gateway").port();
    }

    /** The database of every service (service name to coordinates), e.g. to check what a request changed. */
    public Map<String, DatabaseCoordinates> databases() {
        Map<String, DatabaseCoordinates> databases = new LinkedHashMap<>();
        definitions.forEach(d -> databases.put(d.name(), engines.postgres().database(d.database())));
        return databases;
    }

    public String serviceUrl(String name) {
        return "http://localhost:" + definition(name).port();
    }

    /** The service's public port ({@link #serviceUrl}). */
    public int port(String name) {
        return definition(name).port();
    }

    /** The port of the service's management endpoints ({@code /actuator/...}), bound to loopback. */
    public int managementPort(String name) {
        return definition(name).managementPort();
    }

    /** The names of the services running, as in {@code deploy/local/services.properties}. */
    public List<String> serviceNames() {
        return definitions.stream().map(Services.Definition::name).toList();
    }

    /** The secret key of the test-mode dev site the gateway created at start-up. */
    public String devSiteKey() {
        try {
            return Files.readString(keys.devSiteKeyFile()).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new site and its first secret key, made with the operator's command (the gateway jar). */
    public Site createSite(String name) {
        DatabaseCoordinates db = engines.postgres().database(definition("gateway").database());
        Path output = work.resolve("site-" + System.nanoTime() + ".out");
        List<String> command = List.of(ChildProcess.javaBinary(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-jar", Services.jarOf(root, definition("gateway")).toString(), "site", "create", "--name", name,
                "--mode", "test",
                "--spring.r2dbc.url=" + db.r2dbcUrl(), "--spring.r2dbc.username=" + db.username(),
                "--spring.r2dbc.password=" + db.password(), "--spring.flyway.url=" + db.jdbcUrl(),
                "--spring.flyway.user=" + db.username(), "--spring.flyway.password=" + db.password());
        ChildProcess.run("site-create", command, root, output, Duration.ofSeconds(120));
        String siteId = null;
        String key = null;
        try {
            for (String line : Files.readAllLines(output)) {
                if (line.startsWith("site_id:")) {
                    siteId = line.substring("site_id:".length()).strip();
                } else if (line.startsWith("secret_key:")) {
                    key = line.substring("secret_key:".length()).strip();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (siteId == null || key == null) {
            throw new IllegalStateException("site create printed no site id or key:\n" + ChildProcess.tail(output, 40));
        }
        return new Site(siteId, key);
    }

    public record Site(String id, String secretKey) {
    }

    private Services.Definition definition(String name) {
        return definitions.stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name));
    }

    @Override
    public synchronized void close() {
        running.values().forEach(process -> process.stop(Duration.ofSeconds(20)));
        running.clear();
    }

    /** The repository root: {@code masthead.root}, else the nearest folder upwards with deploy/local/services.properties. */
    static Path repositoryRoot() {
        String configured = System.getProperty("masthead.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/local/services.properties"))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (set -Dmasthead.root)");
    }
}
