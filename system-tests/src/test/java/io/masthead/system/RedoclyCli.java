package io.masthead.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Redocly CLI pinned in {@code tools/openapi-lint} (package.json + package-lock.json), installed there with
 * {@code npm ci} the first time, or again when the pinned version changes, and run with that folder's
 * {@code redocly.yaml} (the recommended rules).
 */
final class RedoclyCli {

    /** One finding of the lint: its severity ({@code error}, {@code warn}), rule, message and where. */
    record Problem(String severity, String rule, String message, String pointer) {
        @Override
        public String toString() {
            return severity + " " + rule + " at " + pointer + ": " + message;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MISSING_NODE = "The OpenAPI lint needs Node.js (20.19+ or 22.12+) and npm on the "
            + "PATH, to run the Redocly CLI pinned in tools/openapi-lint; install them (e.g. apt-get install nodejs "
            + "npm, or from nodejs.org) and run the tests again.";

    private final Path folder;

    private RedoclyCli(Path folder) {
        this.folder = folder;
    }

    /** The pinned CLI, installed if it is not yet (or another version is) in {@code tools/openapi-lint}. */
    static RedoclyCli installedIn(Path folder) throws IOException, InterruptedException {
        RedoclyCli cli = new RedoclyCli(folder);
        String pinned = JSON.readTree(folder.resolve("package.json").toFile())
                .path("devDependencies").path("@redocly/cli").asString();
        Path installed = cli.cliPackage().resolve("package.json");
        if (!Files.isRegularFile(installed) || !pinned.equals(JSON.readTree(installed.toFile()).path("version").asString())) {
            Result npm = cli.run(List.of(npm(), "ci", "--no-audit", "--no-fund"), 300);
            if (npm.exitCode() != 0) {
                throw new IllegalStateException("npm ci in " + folder + " failed (" + npm.exitCode() + "):\n" + npm.output());
            }
        }
        return cli;
    }

    /** Lints one document with the recommended rules: every error and warning. */
    List<Problem> lint(Path document) throws IOException, InterruptedException {
        Result result = run(List.of(node(), cliPackage().resolve("bin/cli.js").toString(), "lint",
                document.toAbsolutePath().toString(), "--config", folder.resolve("redocly.yaml").toString(),
                "--format=json"), 120);
        String out = result.stdout();
        int start = out.indexOf('{');
        if (start < 0) {
            throw new IllegalStateException("Redocly printed no report for " + document + ":\n" + result.output());
        }
        JsonNode report = JSON.readTree(out.substring(start));
        List<Problem> problems = new ArrayList<>();
        for (JsonNode p : report.path("problems")) {
            problems.add(new Problem(p.path("severity").asString(), p.path("ruleId").asString(),
                    p.path("message").asString(), p.path("location").path(0).path("pointer").asString()));
        }
        return problems;
    }

    private Path cliPackage() {
        return folder.resolve("node_modules/@redocly/cli");
    }

    private static String node() {
        return windows() ? "node.exe" : "node";
    }

    private static String npm() {
        return windows() ? "npm.cmd" : "npm";
    }

    private static boolean windows() {
        return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    }

    private record Result(int exitCode, String stdout, String stderr) {
        String output() {
            return stdout + stderr;
        }
    }

    private Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("redocly-", ".out");
        Path stderr = Files.createTempFile("redocly-", ".err");
        try {
            Process process;
            try {
                process = new ProcessBuilder(command).directory(folder.toFile())
                        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            } catch (IOException e) {
                throw new IllegalStateException(MISSING_NODE + " (" + e.getMessage() + ")", e);
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
