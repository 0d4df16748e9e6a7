package io.masthead.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * CPU used during a phase: by the whole machine (from {@code /proc/stat}, Linux only) and by this process
 * (the load generator), each in percent of all cores.
 */
final class CpuUsage {

    private static final Path PROC_STAT = Path.of("/proc/stat");
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    record Snapshot(long nanos, long busyTicks, long totalTicks, long processCpuNanos, ProcessCpu.Snapshot processes) {
    }

    /**
     * Percent of all cores; NaN when not available. {@code byProcess}: per part of the platform (see
     * {@link ProcessCpu}), empty when not available.
     */
    record Usage(double machine, double bench, Map<String, Double> byProcess) {
        static final Usage UNKNOWN = new Usage(Double.NaN, Double.NaN, Map.of());
    }

    static Snapshot snapshot() {
        long busy = -1;
        long total = -1;
        try {
            for (String line : Files.readAllLines(PROC_STAT)) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long sum = 0;
                    // user nice system idle iowait irq softirq steal (guest times are already in user/nice)
                    for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
                        sum += Long.parseLong(f[i]);
                    }
                    long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
                    total = sum;
                    busy = sum - idle;
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: machine-wide usage unknown
        }
        return new Snapshot(System.nanoTime(), busy, total, processCpuNanos(), ProcessCpu.snapshot());
    }

    static Usage between(Snapshot from, Snapshot to) {
        double machine = Double.NaN;
        if (from.totalTicks() >= 0 && to.totalTicks() > from.totalTicks()) {
            machine = 100.0 * (to.busyTicks() - from.busyTicks()) / (to.totalTicks() - from.totalTicks());
        }
        double bench = Double.NaN;
        long elapsed = to.nanos() - from.nanos();
        if (from.processCpuNanos() >= 0 && to.processCpuNanos() >= 0 && elapsed > 0) {
            bench = 100.0 * (to.processCpuNanos() - from.processCpuNanos()) / ((double) elapsed * CORES);
        }
        Map<String, Double> byProcess = from.totalTicks() >= 0
                ? ProcessCpu.between(from.processes(), to.processes(), to.totalTicks() - from.totalTicks())
                : Map.of();
        return new Usage(machine, bench, byProcess);
    }

    static int cores() {
        return CORES;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    static long totalMemoryBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }
}
