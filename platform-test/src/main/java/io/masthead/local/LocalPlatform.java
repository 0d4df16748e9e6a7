package io.masthead.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.masthead.platform.security.PemKeys;
import io.masthead.test.engines.ChildProcess;
import io.masthead.test.engines.EmbeddedPostgresEngine;
import io.masthead.test.engines.EngineSettings;
import io.masthead.test.engines.Engines;

/**
 * The whole platform on this machine ({@code ./masthead up}): PostgreSQL, Kafka and Apicurio Registry from the
 * same engine classes the tests use, with their data kept in {@code .data/}, then every service of
 * {@code deploy/local/services.properties} as a child JVM. Ctrl-C or SIGTERM ({@code ./masthead down}) stops
 * everything.
 *
 * <p>Options: {@code --engines-only} (no services), {@code --root <dir>} (the repository; default: the system
 * property {@code masthead.root}, else the working directory). Ports (system property or environment variable):
 * {@code masthead.local.postgres-port}/{@code MASTHEAD_POSTGRES_PORT} (15432),
 * {@code masthead.local.kafka-port}/{@code MASTHEAD_KAFKA_PORT} (19092; the controller uses the next port),
 * {@code masthead.local.registry-port}/{@code MASTHEAD_REGISTRY_PORT} (18081). How long each service may take to
 * become ready: {@code masthead.local.readiness-timeout-seconds}/{@code MASTHEAD_READINESS_TIMEOUT_SECONDS} (120).
 */
public final class LocalPlatform {

    /** Serial GC suits small heaps on few cores; the full JIT (C2) matters for throughput (see docs/benchmarks.md). */
    private static final List<String> SERVICE_JVM_OPTIONS = List.of("-XX:+UseSerialGC");
    private static final Duration SERVICE_STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final Path data;
    private final boolean enginesOnly;
    private final int postgresPort = setting("masthead.local.postgres-port", "MASTHEAD_POSTGRES_PORT", 15432);
    private final int kafkaPort = setting("masthead.local.kafka-port", "MASTHEAD_KAFKA_PORT", 19092);
    private final int registryPort = setting("masthead.local.registry-port", "MASTHEAD_REGISTRY_PORT", 18081);
    /** How long each service may take to become ready (a busy machine starts JVMs slowly). */
    private final Duration readinessTimeout = Duration.ofSeconds(
            setting("masthead.local.readiness-timeout-seconds", "MASTHEAD_READINESS_TIMEOUT_SECONDS", 120));
    private final List<RunningService> services = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;
    private Engines engines;

    record RunningService(Services.Definition definition, ChildProcess process) {
    }

    private LocalPlatform(Path root, boolean enginesOnly) {
        this.root = root.toAbsolutePath().normalize();
        this.data = this.root.resolve(".data");
        this.enginesOnly = enginesOnly;
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/masthead/local/local-logback.xml");
        }
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger(); // java.util.logging (Vert.x) via logback
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        boolean enginesOnly = false;
        Path root = Path.of(System.getProperty("masthead.root", ""));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--engines-only" -> enginesOnly = true;
                case "--root" -> root = Path.of(args[++i]);
                default -> {
                    System.err.println("Unknown option " + args[i] + " (options: --engines-only, --root <dir>)");
                    System.exit(2);
                }
            }
        }
        LocalPlatform platform = new LocalPlatform(root, enginesOnly);
        try {
            platform.run();
        } catch (StartupFailure e) {
            System.err.println();
            System.err.println("Masthead did not start: " + e.getMessage());
            System.exit(1); // the shutdown hook stops whatever was started
        }
    }

    private void run() {
        long started = System.nanoTime();
        prepareDataDirectory();
        List<Services.Definition> definitions = enginesOnly ? List.of() : readServices();
        for (Services.Definition service : definitions) {
            if (!Files.isRegularFile(jarOf(service))) {
                throw new StartupFailure("the jar of " + service.name() + " is missing: " + jarOf(service)
                        + "\n  Build first (./masthead up builds unless --no-build), or run ./masthead up --engines-only");
            }
        }
        claimPidFile();
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "masthead-local-shutdown"));
        reapLeftoverServices();
        EmbeddedPostgresEngine.stopOrphanPostmaster(data.resolve("postgres")); // left by a killed run
        checkPortsFree(definitions);
        Path privateKey = data.resolve("keys/internal-jwt-private.pem");
        Path publicKey = data.resolve("keys/internal-jwt-public.pem");
        ensureKeys(privateKey, publicKey);
        Path webhookSecretKeys = data.resolve("keys/webhook-secret-keys");
        ensureWebhookSecretKeys(webhookSecretKeys);
        Services.Keys keys = new Services.Keys(privateKey, publicKey, devSiteKeyFile(), webhookSecretKeys);

        say("Starting PostgreSQL (:%d), Kafka (:%d) and Apicurio Registry (:%d); data in %s",
                postgresPort, kafkaPort, registryPort, data);
        engines = Engines.create(EngineSettings.forLocalRun(data, postgresPort, kafkaPort, registryPort));
        try {
            engines.startAll();
        } catch (RuntimeException e) {
            throw new StartupFailure("an engine did not start: " + e.getMessage());
        }
        say("Engines ready in %.1f s", (System.nanoTime() - started) / 1e9);

        for (Services.Definition service : definitions) {
            services.add(startService(service, definitions, keys));
        }
        awaitReadiness();
        printBanner(started);
        monitorUntilStopped();
    }

    // ---------------------------------------------------------------------------------------------- services

    private List<Services.Definition> readServices() {
        try {
            return Services.read(root);
        } catch (IllegalStateException e) {
            throw new StartupFailure(e.getMessage());
        }
    }

    private Path jarOf(Services.Definition service) {
        return Services.jarOf(root, service);
    }

    private RunningService startService(Services.Definition service, List<Services.Definition> all,
                                        Services.Keys keys) {
        Path jar = Services.copyJar(root, service, data.resolve("run"));
        List<String> command = Services.command(root, jar, service, all, engines,
                keys, SERVICE_JVM_OPTIONS, List.of());
        ChildProcess process = ChildProcess.start(service.name(), command, root,
                data.resolve("logs").resolve(service.name() + ".log"), Map.of());
        writePid(service.name(), process.pid());
        say("Started %s (pid %d) on :%d (management 127.0.0.1:%d), database %s", service.name(), process.pid(),
                service.port(), service.managementPort(), service.database());
        return new RunningService(service, process);
    }

    private void awaitReadiness() {
        List<CompletableFuture<Void>> ready = services.stream()
                .map(service -> CompletableFuture.runAsync(() -> {
                    long started = System.nanoTime();
                    try {
                        Services.awaitReady(service.process(), service.definition(), readinessTimeout);
                    } catch (IllegalStateException e) {
                        throw new StartupFailure(e.getMessage());
                    }
                    say("%s is ready (%.1f s)", service.definition().name(), (System.nanoTime() - started) / 1e9);
                }, Engines.THREAD_PER_TASK))
                .toList();
        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw cause instanceof StartupFailure failure ? failure : new StartupFailure(cause.toString());
        }
    }

    private void printBanner(long started) {
        String bar = "-".repeat(78);
        StringBuilder text = new StringBuilder("\n").append(bar).append('\n');
        text.append(String.format("Masthead is up (%.1f s)%n%n", (System.nanoTime() - started) / 1e9));
        boolean gateway = services.stream().anyMatch(s -> s.definition().name().equals("gateway"));
        if (gateway) {
            int port = services.stream().filter(s -> s.definition().name().equals("gateway")).findFirst()
                    .orElseThrow().definition().port();
            text.append(String.format("  Gateway          http://localhost:%d%n", port));
            text.append(String.format("  Swagger UI       http://localhost:%d/swagger-ui.html%n", port));
            text.append(String.format("  Dev site key     %s%n", readDevSiteKey()));
            text.append(String.format("                   (also in %s; ./masthead key prints it)%n", devSiteKeyFile()));
        } else if (enginesOnly) {
            text.append("  Engines only (--engines-only): no services started\n");
        }
        for (RunningService service : services) {
            text.append(String.format("  %-16s http://localhost:%d   (metrics: http://127.0.0.1:%d/actuator/prometheus)%n",
                    service.definition().name(), service.definition().port(), service.definition().managementPort()));
        }
        text.append(String.format("  PostgreSQL       %s (user postgres)%n", engines.postgres().database("postgres").jdbcUrl()));
        text.append(String.format("  Kafka            %s%n", engines.kafka().bootstrapServers()));
        text.append(String.format("  Registry         %s (Confluent API: %s)%n", engines.registry().url(),
                engines.registry().ccompatUrl()));
        text.append(String.format("  Logs             %s%n", data.resolve("logs")));
        text.append(String.format("%nCtrl-C to stop (or ./masthead down)%n"));
        text.append(bar);
        System.out.println(text);
    }

    private String readDevSiteKey() {
        Path file = devSiteKeyFile();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            sleep(200);
        }
        try {
            return Files.exists(file) ? Files.readString(file).strip() : "(not written by the gateway: " + file + ")";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private Path devSiteKeyFile() {
        return data.resolve("dev-site.key");
    }

    /** Reports a service that dies while the platform runs; waits for Ctrl-C/SIGTERM. */
    private void monitorUntilStopped() {
        List<RunningService> reported = new ArrayList<>();
        try {
            while (!stopped.await(2, TimeUnit.SECONDS)) {
                for (RunningService service : services) {
                    if (!stopping && !service.process().isAlive() && !reported.contains(service)) {
                        reported.add(service);
                        System.err.printf("%n%s exited with code %d. The end of its log (%s):%n%s%n%n",
                                service.definition().name(), service.process().process().exitValue(),
                                service.process().logFile(), service.process().logTail(40));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --------------------------------------------------------------------------------------------- lifecycle

    private void shutdown() {
        stopping = true;
        say("Stopping Masthead...");
        long started = System.nanoTime();
        List<CompletableFuture<Void>> stops = services.stream().map(service -> CompletableFuture.runAsync(() -> {
            service.process().stop(SERVICE_STOP_TIMEOUT);
            deletePid(service.definition().name());
        }, Engines.THREAD_PER_TASK)).toList();
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        if (engines != null) {
            engines.close();
        }
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException ignored) {
            // best effort
        }
        say("Stopped in %.1f s", (System.nanoTime() - started) / 1e9);
        stopped.countDown();
    }

    private void checkPortsFree(List<Services.Definition> definitions) {
        Map<Integer, String> ports = new java.util.LinkedHashMap<>();
        ports.put(postgresPort, "PostgreSQL (MASTHEAD_POSTGRES_PORT)");
        ports.put(kafkaPort, "Kafka (MASTHEAD_KAFKA_PORT)");
        ports.put(kafkaPort + 1, "the Kafka controller (MASTHEAD_KAFKA_PORT + 1)");
        ports.put(registryPort, "Apicurio Registry (MASTHEAD_REGISTRY_PORT)");
        definitions.forEach(service -> {
            ports.put(service.port(), service.name() + " (deploy/local/services.properties)");
            ports.put(service.managementPort(), "the management port of " + service.name() + " (its port + "
                    + io.masthead.platform.management.ManagementPortDefaults.OFFSET + ")");
        });
        List<String> busy = ports.entrySet().stream().filter(port -> io.masthead.test.engines.Ports.inUse(port.getKey()))
                .map(port -> "  port " + port.getKey() + ", wanted by " + port.getValue()).toList();
        if (!busy.isEmpty()) {
            throw new StartupFailure("ports already in use (another program, or a Masthead run from another "
                    + "checkout):\n" + String.join("\n", busy));
        }
    }

    private static int setting(String property, String environmentVariable, int defaultValue) {
        String value = System.getProperty(property, System.getenv(environmentVariable));
        return value == null || value.isBlank() ? defaultValue : Integer.parseInt(value.strip());
    }

    private void prepareDataDirectory() {
        try {
            Files.createDirectories(data.resolve("logs"));
            Files.createDirectories(data.resolve("keys"));
            Files.createDirectories(data.resolve("run"));
        } catch (IOException e) {
            throw new StartupFailure("cannot create " + data + ": " + e.getMessage());
        }
    }

    private Path pidFile() {
        return data.resolve("masthead.pid");
    }

    /** One local platform per data directory. */
    private void claimPidFile() {
        Path file = pidFile();
        try {
            if (Files.exists(file)) {
                long pid = Long.parseLong(Files.readString(file).strip());
                if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new StartupFailure("Masthead is already running (pid " + pid + "). Stop it with ./masthead down");
                }
            }
            Files.writeString(file, Long.toString(ProcessHandle.current().pid()));
        } catch (IOException | NumberFormatException e) {
            throw new StartupFailure("cannot write " + file + ": " + e.getMessage());
        }
    }

    private void writePid(String service, long pid) {
        try {
            Files.writeString(data.resolve("run").resolve(service + ".pid"), Long.toString(pid));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deletePid(String service) {
        try {
            Files.deleteIfExists(data.resolve("run").resolve(service + ".pid"));
        } catch (IOException ignored) {
            // best effort
        }
    }

    /**
     * Services left running by a local platform that was killed (SIGKILL) without stopping them. (The engines'
     * child JVMs stop themselves when their parent dies; an orphaned PostgreSQL is stopped by its engine.)
     */
    private void reapLeftoverServices() {
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(data.resolve("run"), "*.pid")) {
            for (Path pidFile : pids) {
                String name = pidFile.getFileName().toString().replaceFirst("\\.pid$", "");
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                        .filter(p -> p.info().commandLine().map(c -> c.contains(name + ".jar")).orElse(false))
                        .ifPresent(p -> {
                            say("Stopping %s (pid %d) left behind by an earlier run", name, pid);
                            p.destroy();
                            try {
                                p.onExit().get(SERVICE_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                            } catch (Exception e) {
                                p.destroyForcibly();
                            }
                        });
                Files.deleteIfExists(pidFile);
            }
        } catch (IOException | NumberFormatException e) {
            say("Could not check for leftover services: %s", e);
        }
    }

    private static void ensureKeys(Path privateKey, Path publicKey) {
        if (Files.exists(privateKey) && Files.exists(publicKey)) {
            return;
        }
        KeyPair pair = PemKeys.generateRsa();
        PemKeys.writePrivate(privateKey, pair.getPrivate());
        PemKeys.writePublic(publicKey, pair.getPublic());
        try {
            Files.setPosixFilePermissions(privateKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        say("Generated the internal JWT key pair in %s", privateKey.getParent());
    }

    /**
     * The key that encrypts webhook signing secrets at rest, generated once and kept: the secrets stored in
     * {@code .data/postgres} can only be read with it.
     */
    private static void ensureWebhookSecretKeys(Path file) {
        if (Files.exists(file)) {
            return;
        }
        Services.writeWebhookSecretKey(file, "local-1");
        say("Generated the key that encrypts webhook signing secrets at rest: %s", file);
    }

    private static void say(String format, Object... args) {
        System.out.printf("[masthead] " + format + "%n", args);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupFailure("interrupted");
        }
    }

    private static final class StartupFailure extends RuntimeException {
        StartupFailure(String message) {
            super(message, null, false, false);
        }
    }
}
