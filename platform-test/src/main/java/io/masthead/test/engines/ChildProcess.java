package io.masthead.test.engines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process whose output goes to a log file, stopped with SIGTERM (then SIGKILL, descendants included).
 * Used for the engines' child JVMs and for the local run's services.
 */
public final class ChildProcess {

    private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);

    private final String name;
    private final Process process;
    private final Path logFile;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command}; stdout and stderr go to {@code logFile} (an existing log is kept as {@code <log>.1}).
     */
    public static ChildProcess start(String name, List<String> command, Path workDir, Path logFile,
                                     Map<String, String> environment) {
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            if (Files.exists(logFile)) {
                Files.move(logFile, logFile.resolveSibling(logFile.getFileName() + ".1"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE);
            builder.environment().putAll(environment);
            Process process = builder.start();
            log.debug("Started {} (pid {}): {}", name, process.pid(), command);
            return new ChildProcess(name, process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + ": " + command, e);
        }
    }

    /** Runs a short command to completion, output to {@code logFile}; fails on a non-zero exit. */
    public static void run(String name, List<String> command, Path workDir, Path logFile, Duration timeout) {
        ChildProcess child = start(name, command, workDir, logFile, Map.of());
        try {
            if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                child.stop(Duration.ofSeconds(5));
                throw new IllegalStateException(name + " did not finish within " + timeout + "\n" + child.logTail(40));
            }
            if (child.process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed with exit code " + child.process.exitValue()
                        + "\n" + child.logTail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.stop(Duration.ZERO);
            throw new IllegalStateException("Interrupted while running " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    public Process process() {
        return process;
    }

    /**
     * SIGTERM, wait up to {@code grace}, then SIGKILL the process and everything it started. Idempotent.
     */
    public void stop(Duration grace) {
        List<ProcessHandle> descendants = new ArrayList<>(process.descendants().toList());
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("{} (pid {}) did not stop within {}: killing it", name, process.pid(), grace);
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        for (ProcessHandle descendant : descendants) {
            if (descendant.isAlive()) {
                descendant.destroyForcibly();
            }
        }
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        return tail(logFile, lines);
    }

    public static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no log at " + file + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(could not read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** The java binary of this JVM: children run on the same JDK (Apicurio needs 21+, as we do). */
    public static String javaBinary() {
        return ProcessHandle.current().info().command()
                .filter(command -> Path.of(command).getFileName().toString().startsWith("java"))
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A java command line that runs {@code mainClass} under {@link ParentWatchdog}, so it dies with this JVM. */
    public static List<String> javaCommand(List<String> jvmOptions, String classpath, String mainClass,
                                           List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(ParentWatchdog.class.getName());
        command.add(Long.toString(ProcessHandle.current().pid()));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** Where {@link ParentWatchdog} is loaded from (a jar or a classes directory). */
    public static String watchdogClasspathEntry() {
        try {
            return Path.of(ParentWatchdog.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot locate " + ParentWatchdog.class.getName(), e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
