package io.masthead.local;

import io.masthead.platform.management.ManagementPortDefaults;
import io.masthead.test.engines.ChildProcess;
import io.masthead.test.engines.DatabaseCoordinates;
import io.masthead.test.engines.Engines;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The services of {@code deploy/local/services.properties} and how each is started as its own JVM against a
 * set of engines: shared by the local run ({@link LocalPlatform}) and the end-to-end tests.
 */
public final class Services {

    /**
     * One line of {@code deploy/local/services.properties}: {@code name=port,database}. The service's management
     * endpoints (metrics, Prometheus, health details) listen on {@code managementPort}, on loopback: by default
     * its port plus {@link ManagementPortDefaults#OFFSET}, the platform's own default.
     */
    public record Definition(String name, int port, int managementPort, String database) {

        public Definition(String name, int port, String database) {
            this(name, port, port + ManagementPortDefaults.OFFSET, database);
        }

        public Definition withPorts(int newPort, int newManagementPort) {
            return new Definition(name, newPort, newManagementPort, database);
        }

        public boolean isGateway() {
            return name.equals("gateway");
        }
    }

    /**
     * Where the keys and the dev site's key file are.
     *
     * @param webhookSecretKeys the key file that encrypts webhook signing secrets at rest (webhook-service only)
     */
    public record Keys(Path privateKey, Path publicKey, Path devSiteKeyFile, Path webhookSecretKeys) {
    }

    /** The service that encrypts its endpoints' signing secrets with {@link Keys#webhookSecretKeys()}. */
    public static final String WEBHOOK_SERVICE = "webhook-service";

    /**
     * Writes a key file for webhook-service's secrets at rest ({@code masthead.webhooks.secret-encryption.keys-location}):
     * one random AES-256 key named {@code keyId}, readable by the owner only.
     */
    public static void writeWebhookSecretKey(Path file, String keyId) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String text = """
                # Keys that encrypt webhook signing secrets at rest (masthead.webhooks.secret-encryption.keys-location):
                # one <key id>:<base64 of 32 bytes> per line; the first encrypts, every one decrypts. See docs/webhooks.md.
                """ + keyId + ":" + Base64.getEncoder().encodeToString(key) + "\n";
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
            try {
                // created readable by the owner only, before the key is written into it
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file); // not a POSIX file system
            }
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private Services() {
    }

    public static List<Definition> read(Path root) {
        Path file = root.resolve("deploy/local/services.properties");
        List<Definition> definitions = new ArrayList<>();
        try {
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] nameAndRest = line.split("=", 2);
                String[] portAndDatabase = nameAndRest.length == 2 ? nameAndRest[1].split(",") : new String[0];
                if (portAndDatabase.length != 2) {
                    throw new IllegalStateException("bad line in " + file + " (expected name=port,database): " + raw);
                }
                definitions.add(new Definition(nameAndRest[0].strip(), Integer.parseInt(portAndDatabase[0].strip()),
                        portAndDatabase[1].strip()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return definitions;
    }

    public static Path jarOf(Path root, Definition service) {
        return root.resolve(service.name()).resolve("target").resolve(service.name() + ".jar");
    }

    /**
     * A private copy of the service's jar in {@code runDirectory}, so rebuilding the project while the service
     * runs does not pull classes from under it.
     */
    public static Path copyJar(Path root, Definition service, Path runDirectory) {
        try {
            Files.createDirectories(runDirectory);
            Path copy = runDirectory.resolve(service.name() + ".jar");
            Files.copy(jarOf(root, service), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy the jar of " + service.name() + ": " + e.getMessage(), e);
        }
    }

    /** The command line of one service, wired to the engines and (for the gateway) to every other service. */
    public static List<String> command(Path root, Path jar, Definition service, List<Definition> all, Engines engines,
            Keys keys, List<String> jvmOptions, List<String> extraArguments) {
        DatabaseCoordinates db = engines.postgres().database(service.database());
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaBinary()));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.masthead.events",
                "-jar", jar.toString(),
                "--server.port=" + service.port(),
                "--management.server.port=" + service.managementPort(),
                "--spring.r2dbc.url=" + db.r2dbcUrl(),
                "--spring.r2dbc.username=" + db.username(),
                "--spring.r2dbc.password=" + db.password(),
                "--spring.flyway.url=" + db.jdbcUrl(),
                "--spring.flyway.user=" + db.username(),
                "--spring.flyway.password=" + db.password(),
                "--spring.kafka.bootstrap-servers=" + engines.kafka().bootstrapServers(),
                "--masthead.registry.url=" + engines.registry().url(),
                "--masthead.security.jwt.public-key-location=" + keys.publicKey().toUri(),
                // settings for this machine only, e.g. loopback webhook endpoints (deploy/local/<name>.yml)
                "--spring.config.additional-location=optional:file:"
                        + root.resolve("deploy/local/" + service.name() + ".yml")));
        command.addAll(otherServices(service, all));
        if (service.name().equals(WEBHOOK_SERVICE)) {
            command.add("--masthead.webhooks.secret-encryption.keys-location=" + keys.webhookSecretKeys().toUri());
        }
        if (service.isGateway()) {
            command.add("--masthead.gateway.jwt.private-key-location=" + keys.privateKey().toUri());
            command.add("--masthead.gateway.dev-site.key-file=" + keys.devSiteKeyFile());
            for (Definition other : all) {
                if (!other.isGateway()) {
                    command.add("--masthead.gateway.routes." + other.name() + "=http://localhost:" + other.port());
                }
            }
        }
        command.addAll(extraArguments);
        return command;
    }

    /**
     * Where the other services' APIs are, for a service that asks one of them (e.g. subscription-service asks
     * customer-service for a customer it has no event of yet): {@code --masthead.services.<name>.uri=...} for every
     * service but the gateway and itself. The gateway learns them as its routes instead.
     */
    public static List<String> otherServices(Definition service, List<Definition> all) {
        List<String> arguments = new ArrayList<>();
        if (!service.isGateway()) {
            for (Definition other : all) {
                if (!other.isGateway() && !other.name().equals(service.name())) {
                    arguments.add("--masthead.services." + other.name() + ".uri=http://localhost:" + other.port());
                }
            }
        }
        return arguments;
    }

    /**
     * Waits until the service answers its readiness probe ({@code /readyz} on its public port); fails with the end
     * of its log if it dies or times out.
     */
    public static void awaitReady(ChildProcess process, Definition service, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI readiness = URI.create("http://localhost:" + service.port() + "/readyz");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(service.name() + " exited with code "
                        + process.process().exitValue() + ". The end of its log (" + process.logFile() + "):\n"
                        + process.logTail(60));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(readiness)
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + service.name(), e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + service.name(), e);
            }
        }
        throw new IllegalStateException(service.name() + " was not ready within " + timeout + " (GET " + readiness
                + "). The end of its log (" + process.logFile() + "):\n" + process.logTail(60));
    }
}
