package io.masthead.test.engines;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The engines as Testcontainers containers, used where a Docker engine is available.
 *
 * <p>NOT exercised on the build machines (they have no Docker engine): kept deliberately small. Kafka is bound to a
 * fixed host port so that {@link KafkaEngine#stop()}/{@link KafkaEngine#start()} (docker stop/start of the same
 * container, which keeps its data) keeps the advertised address.
 */
final class ContainerEngines {

    private static final Logger log = LoggerFactory.getLogger(ContainerEngines.class);
    static final String POSTGRES_IMAGE = "postgres:18";
    static final String KAFKA_IMAGE = "apache/kafka:4.2.1";
    static final String REGISTRY_IMAGE = "apicurio/apicurio-registry:" + ApicurioRegistryEngine.VERSION;

    private ContainerEngines() {
    }

    static boolean dockerAvailable() {
        if (noDockerHint()) {
            return false; // spares Testcontainers' ERROR about the missing Docker environment (~0.2 s)
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    /** On Linux without DOCKER_HOST, Testcontainers configuration or a Docker socket there is nothing to find. */
    private static boolean noDockerHint() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return false;
        }
        String home = System.getProperty("user.home", "");
        String runtimeDir = System.getenv().getOrDefault("XDG_RUNTIME_DIR", "/nonexistent");
        return System.getenv("DOCKER_HOST") == null
                && System.getenv("TESTCONTAINERS_HOST_OVERRIDE") == null
                && java.util.stream.Stream.of("/var/run/docker.sock", "/run/docker.sock",
                                home + "/.testcontainers.properties", home + "/.docker/desktop",
                                home + "/.docker/run/docker.sock", runtimeDir + "/docker.sock",
                                runtimeDir + "/podman/podman.sock")
                        .noneMatch(path -> java.nio.file.Files.exists(java.nio.file.Path.of(path)));
    }

    static Engines create() {
        log.info("Docker is available: engines run in containers");
        return Engines.of(() -> new Postgres().start(), () -> {
            Kafka kafka = new Kafka();
            kafka.start();
            return kafka;
        }, () -> new Registry().start());
    }

    static final class Postgres implements PostgresEngine {
        private final PostgreSQLContainer container = new PostgreSQLContainer(POSTGRES_IMAGE);

        Postgres start() {
            long started = System.nanoTime();
            container.start();
            log.info("PostgreSQL container started in {} ms", (System.nanoTime() - started) / 1_000_000);
            return this;
        }

        @Override
        public synchronized DatabaseCoordinates database(String name) {
            PostgresEngine.checkDatabaseName(name);
            EmbeddedPostgresEngine.createIfMissing(coordinates(container.getDatabaseName()), name);
            return coordinates(name);
        }

        private DatabaseCoordinates coordinates(String database) {
            return new DatabaseCoordinates(host(), port(), database, container.getUsername(), container.getPassword());
        }

        @Override
        public String host() {
            return container.getHost();
        }

        @Override
        public int port() {
            return container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
        }

        @Override
        public void close() {
            container.stop();
        }
    }

    static final class Kafka implements KafkaEngine {
        private final int hostPort = Ports.free();
        private final KafkaContainer container = new KafkaContainer(KAFKA_IMAGE)
                .withEnv("KAFKA_NUM_PARTITIONS", "12")
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        private boolean created;
        private boolean running;
        private int starts;

        Kafka() {
            container.setPortBindings(List.of(hostPort + ":9092"));
        }

        @Override
        public String bootstrapServers() {
            return container.getHost() + ":" + hostPort;
        }

        @Override
        public synchronized void start() {
            long started = System.nanoTime();
            if (!created) {
                container.start();
                created = true;
            } else if (!running) {
                container.getDockerClient().startContainerCmd(container.getContainerId()).exec();
                // the container's log keeps earlier runs: wait for one more "started" line
                Wait.forLogMessage(".*Kafka Server started.*", starts + 1).waitUntilReady(container);
            }
            starts++;
            running = true;
            log.info("Kafka container started in {} ms", (System.nanoTime() - started) / 1_000_000);
        }

        @Override
        public synchronized void stop() {
            if (running) {
                container.getDockerClient().stopContainerCmd(container.getContainerId()).exec();
                running = false;
            }
        }

        @Override
        public synchronized boolean isRunning() {
            return running;
        }

        @Override
        public void close() {
            container.stop();
        }
    }

    static final class Registry implements RegistryEngine {
        private final GenericContainer<?> container = new GenericContainer<>(REGISTRY_IMAGE)
                .withExposedPorts(8080)
                .waitingFor(Wait.forHttp("/apis/ccompat/v7/subjects").forStatusCode(200));

        Registry start() {
            long started = System.nanoTime();
            container.start();
            log.info("Apicurio Registry container started in {} ms", (System.nanoTime() - started) / 1_000_000);
            return this;
        }

        @Override
        public String url() {
            return "http://" + container.getHost() + ":" + container.getMappedPort(8080) + "/apis/registry/v3";
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
