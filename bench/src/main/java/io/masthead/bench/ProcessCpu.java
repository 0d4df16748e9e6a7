package io.masthead.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time of every process (Linux {@code /proc}), attributed to the platform's parts: each service (by its
 * jar), PostgreSQL (the postmaster on the configured port and its backends), Kafka, the registry, the
 * launcher, this load generator, and everything else on the machine ("other": builds, tests, the desktop).
 * Ticks are in the same unit as {@code /proc/stat}'s, so shares are comparable with the machine's total.
 */
final class ProcessCpu {

    static final String BENCH = "bench (load generator)";
    static final String OTHER = "other processes";
    static final String POSTGRES = "PostgreSQL";
    static final String KAFKA = "Kafka";
    static final String REGISTRY = "Registry";
    static final String LAUNCHER = "launcher";

    private static final Path PROC = Path.of("/proc");
    private static final Pattern JAR = Pattern.compile("-jar\\s+\\S*?([A-Za-z0-9_.-]+)\\.jar");
    private static final long SELF = ProcessHandle.current().pid();

    private static volatile Path launcherPidFile;
    private static volatile int postgresPort = -1;

    private ProcessCpu() {
    }

    /** Where the launcher's pid is ({@code .data/masthead.pid}) and PostgreSQL's port. */
    static void configure(Path pidFile, int port) {
        launcherPidFile = pidFile;
        postgresPort = port;
    }

    /** pid -> [group, ticks] at one moment. */
    record Snapshot(Map<Long, String> groups, Map<Long, Long> ticks) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of());
    }

    private record Proc(long pid, long ppid, String comm, long ticks) {
    }

    static Snapshot snapshot() {
        if (!Files.isDirectory(PROC)) {
            return Snapshot.EMPTY;
        }
        Map<Long, Proc> procs = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                Proc proc = read(dir);
                if (proc != null) {
                    procs.put(proc.pid(), proc);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Snapshot.EMPTY;
        }
        long launcher = launcherPid();
        Map<Long, String> own = new HashMap<>(); // cache: a process's own classification (null = none)
        Map<Long, String> groups = new HashMap<>();
        Map<Long, Long> ticks = new HashMap<>();
        for (Proc proc : procs.values()) {
            groups.put(proc.pid(), classify(proc, procs, launcher, own));
            ticks.put(proc.pid(), proc.ticks());
        }
        return new Snapshot(groups, ticks);
    }

    /** Percent of all cores per group between two snapshots (processes that ended in between are not counted). */
    static Map<String, Double> between(Snapshot from, Snapshot to, long totalTicks) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (totalTicks <= 0 || to.ticks().isEmpty()) {
            return out;
        }
        Map<String, Long> sums = new HashMap<>();
        to.ticks().forEach((pid, end) -> {
            long delta = end - from.ticks().getOrDefault(pid, 0L);
            if (delta > 0) {
                sums.merge(to.groups().get(pid), delta, Long::sum);
            }
        });
        sums.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put(e.getKey(), 100.0 * e.getValue() / totalTicks));
        return out;
    }

    /** The display order: services (alphabetically), then the engines, then the rest. */
    static List<String> order(java.util.Collection<String> groups) {
        List<String> fixed = List.of(POSTGRES, KAFKA, REGISTRY, LAUNCHER, BENCH, OTHER);
        List<String> out = new java.util.ArrayList<>(groups.stream().filter(g -> !fixed.contains(g)).sorted().toList());
        fixed.stream().filter(groups::contains).forEach(out::add);
        return out;
    }

    private static String classify(Proc proc, Map<Long, Proc> procs, long launcher, Map<Long, String> own) {
        boolean underLauncher = false;
        boolean underBench = false;
        String nearest = null;
        Proc p = proc;
        for (int depth = 0; p != null && depth < 64; depth++) {
            if (p.pid() == SELF) {
                underBench = true;
                break;
            }
            if (p.pid() == launcher) {
                underLauncher = true;
                break;
            }
            if (nearest == null) {
                String group = own.computeIfAbsent(p.pid(), pid -> ownGroup(procs.get(pid)));
                nearest = group.isEmpty() ? null : group;
            }
            p = procs.get(p.ppid());
        }
        if (underBench) {
            return BENCH;
        }
        if (POSTGRES.equals(nearest)) {
            return POSTGRES; // the postmaster is re-parented to init: recognised by its port
        }
        if (underLauncher) {
            return nearest != null ? nearest : LAUNCHER;
        }
        return launcher < 0 && nearest != null ? nearest : OTHER;
    }

    /** What a process is by its own command line, or "" when nothing specific. */
    private static String ownGroup(Proc proc) {
        if (proc == null) {
            return "";
        }
        String cmdline = cmdline(proc.pid());
        if ("postgres".equals(proc.comm()) && postgresPort > 0 && cmdline.contains(" -p " + postgresPort + " ")) {
            return POSTGRES;
        }
        if (cmdline.contains("kafka.Kafka")) {
            return KAFKA;
        }
        if (cmdline.contains("-Dquarkus.")) {
            return REGISTRY;
        }
        Matcher jar = JAR.matcher(cmdline);
        if (jar.find()) {
            return jar.group(1);
        }
        return "";
    }

    private static long launcherPid() {
        Path file = launcherPidFile;
        if (file == null) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readString(file).replaceAll("[^0-9]", ""));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Proc read(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            String comm = stat.substring(open + 1, close);
            String[] f = stat.substring(close + 2).split(" ");
            // after the comm: state(0) ppid(1) ... utime(11) stime(12)
            return new Proc(Long.parseLong(stat.substring(0, open).strip()), Long.parseLong(f[1]), comm,
                    Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException | RuntimeException e) {
            return null; // gone, or not readable
        }
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
