package io.masthead.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** A thread-safe latency histogram in microseconds, 3 significant digits, up to 10 minutes. */
final class Latencies {

    static final long HIGHEST_MICROS = 600_000_000L;

    private final Histogram histogram = new ConcurrentHistogram(1, HIGHEST_MICROS, 3);

    void recordNanos(long nanos) {
        long micros = Math.max(1, nanos / 1_000);
        histogram.recordValue(Math.min(micros, HIGHEST_MICROS));
    }

    Summary summary() {
        Histogram copy = histogram.copy();
        long count = copy.getTotalCount();
        if (count == 0) {
            return Summary.EMPTY;
        }
        return new Summary(count,
                copy.getValueAtPercentile(50) / 1000.0,
                copy.getValueAtPercentile(90) / 1000.0,
                copy.getValueAtPercentile(99) / 1000.0,
                copy.getMaxValue() / 1000.0);
    }

    /** Percentiles in milliseconds; NaN when nothing was recorded. */
    record Summary(long count, double p50, double p90, double p99, double max) {
        static final Summary EMPTY = new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        boolean isEmpty() {
            return count == 0;
        }
    }
}
