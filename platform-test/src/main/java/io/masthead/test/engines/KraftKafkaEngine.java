package io.masthead.test.engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft mode (combined broker and controller, one node) running as a child JVM from the
 * Kafka jars on this JVM's classpath: {@code kafka.tools.StorageTool format --standalone} once, then
 * {@code kafka.Kafka server.properties}. Ports and log directory are fixed per instance, so {@link #stop()} and
 * {@link #start()} keep the address and every record.
 */
public final class KraftKafkaEngine implements KafkaEngine {

    private static final Logger log = LoggerFactory.getLogger(KraftKafkaEngine.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Logback configuration for the broker JVM (a classpath resource of this module). */
    static final String LOGBACK_RESOURCE = "io/masthead/test/engines/kafka-logback.xml";

    private final Path directory;
    private final Path logDirectory;
    private final Path logFile;
    private final int port;
    private final int controllerPort;
    private final boolean temporary;
    private final String classpath;
    private ChildProcess broker;

    /**
     * @param directory      holds {@code server.properties} and the broker's data ({@code data/})
     * @param port           client port, 0 for a free one (chosen once)
     * @param controllerPort controller port, 0 for a free one (chosen once)
     * @param logFile        the broker's own log
     * @param temporary      delete {@code directory} on {@link #close()}
     */
    public KraftKafkaEngine(Path directory, int port, int controllerPort, Path logFile, boolean temporary) {
        this.directory = directory.toAbsolutePath();
        this.logDirectory = this.directory.resolve("data");
        this.logFile = logFile.toAbsolutePath();
        this.port = port == 0 ? Ports.free() : port;
        this.controllerPort = controllerPort == 0 ? Ports.free() : controllerPort;
        this.temporary = temporary;
        this.classpath = ChildProcess.watchdogClasspathEntry() + java.io.File.pathSeparator
                + System.getProperty("java.class.path");
    }

    @Override
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    @Override
    public synchronized void start() {
        if (broker != null && broker.isAlive()) {
            return;
        }
        long started = System.nanoTime();
        for (int p : new int[] {port, controllerPort}) {
            if (Ports.inUse(p)) {
                throw new IllegalStateException("Port " + p + " is already in use: cannot start Kafka on it");
            }
        }
        Path properties = writeServerProperties();
        Path argFile = writeArgFile();
        if (!Files.exists(logDirectory.resolve("meta.properties"))) {
            ChildProcess.run("kafka-storage-format",
                    javaCommand(argFile, "kafka.tools.StorageTool",
                            List.of("format", "--standalone", "--ignore-formatted",
                                    "--cluster-id", Uuid.randomUuid().toString(),
                                    "--config", properties.toString())),
                    directory, directory.resolve("storage-format.log"), Duration.ofSeconds(60));
        }
        broker = ChildProcess.start("kafka",
                javaCommand(argFile, "kafka.Kafka", List.of(properties.toString())),
                directory, logFile, Map.of());
        awaitReady();
        log.info("Kafka broker (KRaft) started in {} ms on {} (data {}, log {})",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), bootstrapServers(), logDirectory, logFile);
    }

    @Override
    public synchronized void stop() {
        if (broker == null) {
            return;
        }
        long started = System.nanoTime();
        broker.stop(STOP_TIMEOUT);
        broker = null;
        // The next start binds the same ports: make sure they are released.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((Ports.inUse(port) || Ports.inUse(controllerPort)) && System.nanoTime() < deadline) {
            sleep(50);
        }
        log.info("Kafka broker stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    @Override
    public synchronized boolean isRunning() {
        return broker != null && broker.isAlive();
    }

    @Override
    public synchronized void close() {
        stop();
        if (temporary) {
            Files2.deleteRecursively(directory);
        }
    }

    public int port() {
        return port;
    }

    public Path logDirectory() {
        return logDirectory;
    }

    public Path logFile() {
        return logFile;
    }

    private Path writeServerProperties() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
        config.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("log.dirs", logDirectory.toString());
        config.put("num.partitions", "12");
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "12");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "12");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("auto.create.topics.enable", "false"); // services create their topics at start-up
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("log.retention.ms", "-1"); // a development broker keeps every event
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "4");
        config.put("num.recovery.threads.per.data.dir", "2");
        String text = config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
                .collect(Collectors.joining("\n", "# Written by " + getClass().getName() + "\n", "\n"));
        return write(directory.resolve("server.properties"), text);
    }

    /** JVM options in an argument file: the classpath can be longer than a command-line argument may be. */
    private Path writeArgFile() {
        List<String> options = new ArrayList<>(List.of(
                "-Xms128m", "-Xmx768m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + LOGBACK_RESOURCE,
                "-cp", classpath));
        String text = options.stream().map(KraftKafkaEngine::quote).collect(Collectors.joining("\n", "", "\n"));
        return write(directory.resolve("jvm.args"), text);
    }

    private List<String> javaCommand(Path argFile, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ChildProcess.javaBinary());
        command.add("@" + argFile);
        command.add(ParentWatchdog.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    private static String quote(String argument) {
        return "\"" + argument.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 100,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500,
                AdminClientConfig.CLIENT_ID_CONFIG, "masthead-engine-readiness");
        Exception last = null;
        while (!Ports.inUse(port) && broker.isAlive() && System.nanoTime() < deadline) {
            sleep(100); // listening first: the admin client would log every refused connection
        }
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                if (!broker.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited with code " + broker.process().exitValue()
                            + " (log: " + logFile + ")\n" + broker.logTail(40));
                }
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                            .nodes().get(3, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                sleep(100);
            }
        }
        broker.stop(Duration.ofSeconds(5));
        throw new IllegalStateException("Kafka broker did not answer within " + START_TIMEOUT + " (log: " + logFile
                + ")\n" + ChildProcess.tail(logFile, 40), last);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "Kafka on " + bootstrapServers();
    }
}
