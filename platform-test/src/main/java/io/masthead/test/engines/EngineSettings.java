package io.masthead.test.engines;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where and on which ports the engines run.
 *
 * @param workDirectory      holds {@code postgres/}, {@code kafka/} and {@code logs/}
 * @param temporary          delete the engines' data when they are closed (tests)
 * @param postgresPort       0 for a free port
 * @param kafkaPort          0 for a free port
 * @param kafkaControllerPort 0 for a free port
 * @param registryPort       0 for a free port
 * @param registryOnPostgres Apicurio's SQL storage in the database {@code registry} (ids survive restarts),
 *                           otherwise in-memory storage
 * @param enginesDirectory   where the build unpacked Apicurio Registry ({@code masthead.engines.dir})
 */
public record EngineSettings(Path workDirectory, boolean temporary, int postgresPort, int kafkaPort,
                             int kafkaControllerPort, int registryPort, boolean registryOnPostgres,
                             Path enginesDirectory) {

    /** Tests: a fresh temporary directory, free ports, in-memory registry. */
    public static EngineSettings forTests(Path workDirectory) {
        return new EngineSettings(workDirectory, true, 0, 0, 0, 0, false, defaultEnginesDirectory());
    }

    /** The local run: data kept in {@code dataDirectory}, fixed ports, the registry's ids kept in PostgreSQL. */
    public static EngineSettings forLocalRun(Path dataDirectory, int postgresPort, int kafkaPort, int registryPort) {
        return new EngineSettings(dataDirectory, false, postgresPort, kafkaPort, kafkaPort + 1, registryPort, true,
                defaultEnginesDirectory());
    }

    public Path logDirectory() {
        return workDirectory.resolve("logs");
    }

    /**
     * {@code masthead.engines.dir} (the build sets it for tests; the {@code masthead} script for the local run);
     * otherwise the nearest {@code .engines} folder above the working directory (runs from an IDE).
     */
    public static Path defaultEnginesDirectory() {
        String configured = System.getProperty("masthead.engines.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".engines"))) {
                return dir.resolve(".engines");
            }
        }
        return Path.of(".engines").toAbsolutePath();
    }
}
