package io.masthead.bench;

import java.time.Duration;

/**
 * An open-loop schedule: request {@code i} is due {@code i / rate} seconds after the start, whatever
 * happened to the earlier ones. The first requests (due before the warm-up ends) are not measured.
 * Latency is taken from the due time, not from the actual send, so that a stalled system is charged for
 * the requests it delayed (no coordinated omission).
 */
record RateSchedule(double ratePerSecond, long warmupNanos, long measureNanos) {

    RateSchedule {
        if (!(ratePerSecond > 0) || warmupNanos < 0 || measureNanos <= 0) {
            throw new IllegalArgumentException("rate and measured time must be > 0, warm-up >= 0");
        }
    }

    static RateSchedule of(double ratePerSecond, Duration warmup, Duration measure) {
        return new RateSchedule(ratePerSecond, warmup.toNanos(), measure.toNanos());
    }

    /** Requests in the whole schedule (warm-up included): those due strictly before its end. */
    long count() {
        return dueBefore(warmupNanos + measureNanos);
    }

    /** Requests due before the warm-up ends (the first measured one has this index). */
    long warmupCount() {
        return dueBefore(warmupNanos);
    }

    long measuredCount() {
        return count() - warmupCount();
    }

    /** When request {@code i} is due, in nanoseconds after the start. */
    long offsetNanos(long i) {
        return (long) Math.floor(i * 1e9 / ratePerSecond);
    }

    boolean measured(long i) {
        return i >= warmupCount();
    }

    /** Number of indices i >= 0 with offsetNanos(i) < nanos. */
    private long dueBefore(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        long n = (long) Math.ceil(nanos * ratePerSecond / 1e9);
        // Correct the floating-point estimate at the boundary.
        while (n > 0 && offsetNanos(n - 1) >= nanos) {
            n--;
        }
        while (offsetNanos(n) < nanos) {
            n++;
        }
        return n;
    }
}
