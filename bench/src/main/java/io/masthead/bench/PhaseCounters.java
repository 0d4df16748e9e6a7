package io.masthead.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe tallies of the measured operations of a phase. */
final class PhaseCounters {

    private static final int SAMPLE_LENGTH = 300;

    final Latencies latency = new Latencies();
    private final LongAdder ok = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final ConcurrentHashMap<String, LongAdder> causes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> samples = new ConcurrentHashMap<>();
    private final AtomicLong lastCompletion;

    /** {@code measuredStart}: System.nanoTime() when measuring starts (the achieved rate is counted from it). */
    PhaseCounters(long measuredStart) {
        this.lastCompletion = new AtomicLong(measuredStart);
    }

    void success(long latencyNanos, long completedAt) {
        ok.increment();
        latency.recordNanos(latencyNanos);
        lastCompletion.accumulateAndGet(completedAt, (a, b) -> b - a > 0 ? b : a);
    }

    void failure(String cause, String sample) {
        failures(cause, sample, 1);
    }

    void failures(String cause, String sample, long count) {
        errors.add(count);
        causes.computeIfAbsent(cause, c -> new LongAdder()).add(count);
        if (sample != null) {
            samples.putIfAbsent(cause, sample.length() > SAMPLE_LENGTH ? sample.substring(0, SAMPLE_LENGTH) + "…" : sample);
        }
    }

    long ok() {
        return ok.sum();
    }

    long errors() {
        return errors.sum();
    }

    /** Successes per second, from {@code measuredStart} to the last measured success. */
    double achievedRate(long measuredStart) {
        long elapsed = lastCompletion.get() - measuredStart;
        return elapsed > 0 ? ok.sum() * 1e9 / elapsed : 0;
    }

    Map<String, Long> causes() {
        Map<String, Long> out = new TreeMap<>();
        causes.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    Map<String, String> samples() {
        return new TreeMap<>(samples);
    }

    static String label(Throwable t) {
        Throwable cause = t;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }

    static String message(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }
}
