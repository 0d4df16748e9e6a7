package io.masthead.test.engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real engines (PostgreSQL, Kafka, Apicurio Registry), each started on first use and stopped together.
 *
 * <p>{@link #shared()} is the one set per JVM that every test in it uses: containers where a Docker engine is
 * available (Testcontainers), otherwise embedded PostgreSQL and child JVMs for Kafka and the registry. Force one
 * kind with {@code -Dmasthead.engines=local} or {@code -Dmasthead.engines=containers}.
 * The local run builds its own set with {@link #create(EngineSettings)}: the same classes, other settings.
 */
public final class Engines implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Engines.class);
    /**
     * A thread per task: CompletableFuture's default pool has ONE thread on a 2-core machine, which would start
     * the engines one after the other.
     */
    public static final Executor THREAD_PER_TASK = task -> Thread.ofPlatform().daemon().name("masthead-engines").start(task);
    private static Engines shared;

    private final EngineSettings settings;
    private final Lazy<PostgresEngine> postgres;
    private final Lazy<KafkaEngine> kafka;
    private final Lazy<RegistryEngine> registry;

    private Engines(EngineSettings settings, Supplier<PostgresEngine> postgres, Supplier<KafkaEngine> kafka,
                    Supplier<RegistryEngine> registry) {
        this.settings = settings;
        this.postgres = new Lazy<>(postgres);
        this.kafka = new Lazy<>(kafka);
        this.registry = new Lazy<>(registry);
    }

    /** The engines of this JVM, shared by all its tests; stopped by a shutdown hook. */
    public static synchronized Engines shared() {
        if (shared == null) {
            shared = useContainers() ? ContainerEngines.create() : create(EngineSettings.forTests(testWorkDirectory()));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "masthead-engines-shutdown"));
        }
        return shared;
    }

    /** Engines on this machine (no Docker) with the given settings; the caller closes them. */
    public static Engines create(EngineSettings settings) {
        Path logs = settings.logDirectory();
        Engines[] self = new Engines[1];
        self[0] = new Engines(settings,
                () -> new EmbeddedPostgresEngine(settings.workDirectory().resolve("postgres"), settings.postgresPort(),
                        logs.resolve("postgres.log"), settings.temporary()).start(),
                () -> {
                    KraftKafkaEngine engine = new KraftKafkaEngine(settings.workDirectory().resolve("kafka"),
                            settings.kafkaPort(), settings.kafkaControllerPort(), logs.resolve("kafka.log"),
                            settings.temporary());
                    engine.start();
                    return engine;
                },
                () -> new ApicurioRegistryEngine(settings.enginesDirectory(), settings.registryPort(),
                        logs.resolve("registry.log"),
                        settings.registryOnPostgres() ? self[0].postgres().database("registry") : null).start());
        return self[0];
    }

    static Engines of(Supplier<PostgresEngine> postgres, Supplier<KafkaEngine> kafka,
                      Supplier<RegistryEngine> registry) {
        return new Engines(null, postgres, kafka, registry);
    }

    public PostgresEngine postgres() {
        return postgres.get();
    }

    public KafkaEngine kafka() {
        return kafka.get();
    }

    public RegistryEngine registry() {
        return registry.get();
    }

    /** Starts whatever is not running yet, Kafka and the registry in parallel; returns when all answer. */
    public Engines startAll() {
        long started = System.nanoTime();
        CompletableFuture<?> kafkaStarted = CompletableFuture.runAsync(this::kafka, THREAD_PER_TASK);
        CompletableFuture<?> registryStarted = CompletableFuture.runAsync(() -> {
            if (settings != null && settings.registryOnPostgres()) {
                postgres(); // the registry's storage
            }
            registry();
        }, THREAD_PER_TASK);
        try {
            postgres();
            CompletableFuture.allOf(kafkaStarted, registryStarted).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        log.info("Engines ready in {} ms", (System.nanoTime() - started) / 1_000_000);
        return this;
    }

    /** Stops the registry and Kafka (in parallel), then PostgreSQL. */
    @Override
    public void close() {
        CompletableFuture<?> registryStopped = CompletableFuture.runAsync(registry::close, THREAD_PER_TASK);
        CompletableFuture<?> kafkaStopped = CompletableFuture.runAsync(kafka::close, THREAD_PER_TASK);
        try {
            CompletableFuture.allOf(registryStopped, kafkaStopped).join();
        } catch (CompletionException e) {
            log.warn("Stopping an engine failed", e.getCause());
        }
        postgres.close();
        if (settings != null && settings.temporary()) {
            Files2.deleteRecursively(settings.workDirectory());
        }
    }

    private static boolean useContainers() {
        String choice = System.getProperty("masthead.engines", System.getenv().getOrDefault("MASTHEAD_ENGINES", "auto"));
        return switch (choice) {
            case "local" -> false;
            case "containers" -> true;
            default -> ContainerEngines.dockerAvailable();
        };
    }

    /**
     * A fresh directory under {@code <tmp>/masthead-engines/}, after removing those of JVMs that died without
     * cleaning up (a killed test run): their PostgreSQL server is stopped; the child JVMs stopped themselves.
     */
    private static Path testWorkDirectory() {
        try {
            Path root = Path.of(System.getProperty("java.io.tmpdir"), "masthead-engines");
            Files.createDirectories(root);
            try (DirectoryStream<Path> runs = Files.newDirectoryStream(root)) {
                for (Path run : runs) {
                    reapIfOrphaned(run);
                }
            }
            long pid = ProcessHandle.current().pid();
            Path workDirectory = Files.createTempDirectory(root, "run-" + pid + "-");
            Files.writeString(workDirectory.resolve("owner.pid"), Long.toString(pid), StandardCharsets.UTF_8);
            return workDirectory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void reapIfOrphaned(Path run) {
        Path owner = run.resolve("owner.pid");
        try {
            if (!Files.exists(owner)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(owner).trim());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return;
            }
            log.info("Cleaning up engines left behind by process {}: {}", pid, run);
            EmbeddedPostgresEngine.stopOrphanPostmaster(run.resolve("postgres"));
            Files2.deleteRecursively(run);
        } catch (IOException | RuntimeException e) {
            log.debug("Could not check {}", run, e);
        }
    }

    /** A value created on first use under its own lock (so engines can start in parallel), closed if created. */
    private static final class Lazy<T extends AutoCloseable> {
        private final Supplier<T> factory;
        private T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        synchronized T get() {
            if (value == null) {
                value = factory.get();
            }
            return value;
        }

        synchronized void close() {
            if (value != null) {
                try {
                    value.close();
                } catch (Exception e) {
                    log.warn("Stopping {} failed", value, e);
                }
            }
        }
    }
}
