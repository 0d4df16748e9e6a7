package io.masthead.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/** The two ways of applying load: open loop at a fixed rate, and closed loop with N workers. */
final class Load {

    /** Cap on the operations of one closed-loop worker, on top of the time bound. */
    static final long MOST_OPERATIONS_PER_WORKER = 10_000_000;

    private Load() {
    }

    /** What one operation came to: {@link #OK} or an error cause (with a detail, e.g. the response body). */
    record Outcome(String cause, String detail) {
        static final Outcome OK = new Outcome(null, null);

        static Outcome error(String cause, String detail) {
            return new Outcome(cause, detail);
        }

        boolean ok() {
            return cause == null;
        }
    }

    @FunctionalInterface
    interface AsyncOperation {
        /** Starts one operation, due at {@code due} (System.nanoTime()). */
        CompletableFuture<Outcome> start(long due, boolean measured);
    }

    @FunctionalInterface
    interface Operation {
        Outcome call(long start, boolean measured) throws Exception;
    }

    /**
     * {@code notSent}: measured requests given up (no free slot before the deadline); {@code skippedWarmup}:
     * warm-up requests dropped because the warm-up's time was over; {@code maxLagNanos}: how late a request
     * went out at worst.
     */
    record Run(PhaseCounters counters, long measuredStart, long notSent, long skippedWarmup, long maxLagNanos,
               CpuUsage.Usage cpu) {
        double achievedRate() {
            return counters.achievedRate(measuredStart);
        }
    }

    /**
     * Issues the schedule's operations when due, whatever happened to the earlier ones, with at most
     * {@code concurrency} in flight (a request that finds no free slot goes late, and its latency, taken from
     * its due time, says so). Requests still unsent {@code timeout} after the schedule's end are given up
     * (counted as not sent); the in-flight ones are then awaited at most {@code timeout}. Warm-up requests
     * still unsent when the warm-up's time is over are dropped, so the measured part starts on time.
     */
    static Run openLoop(RateSchedule schedule, int concurrency, Duration timeout, AsyncOperation operation)
            throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        long t0 = System.nanoTime() + 20_000_000;
        long measuredStart = t0 + schedule.warmupNanos();
        long sendDeadline = t0 + schedule.warmupNanos() + schedule.measureNanos() + timeout.toNanos();
        PhaseCounters counters = new PhaseCounters(measuredStart);
        long count = schedule.count();
        long notSent = 0;
        long maxLag = 0;
        CpuUsage.Snapshot cpuStart = null;
        long warmupCount = schedule.warmupCount();
        long skippedWarmup = 0;
        for (long i = 0; i < count; i++) {
            long due = t0 + schedule.offsetNanos(i);
            boolean measured = schedule.measured(i);
            if (!measured && System.nanoTime() - measuredStart >= 0) {
                // The warm-up's time is over but not all of it went out (the target is slower than the rate):
                // drop the rest of it, so that the measured part starts on time.
                skippedWarmup += warmupCount - i;
                i = warmupCount - 1;
                continue;
            }
            parkUntil(due);
            if (measured && cpuStart == null) {
                cpuStart = CpuUsage.snapshot();
            }
            long slotDeadline = measured ? sendDeadline : measuredStart;
            if (!slots.tryAcquire()
                    && !slots.tryAcquire(Math.max(0, slotDeadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                if (!measured) {
                    skippedWarmup += warmupCount - i;
                    i = warmupCount - 1;
                    continue;
                }
                notSent = count - i;
                break;
            }
            maxLag = Math.max(maxLag, System.nanoTime() - due);
            CompletableFuture<Outcome> pending;
            try {
                pending = operation.start(due, measured);
            } catch (RuntimeException e) {
                pending = CompletableFuture.failedFuture(e);
            }
            pending.whenComplete((outcome, failure) -> {
                long now = System.nanoTime();
                try {
                    if (measured) {
                        tally(counters, outcome, failure, now - due, now);
                    }
                } finally {
                    slots.release();
                }
            });
        }
        boolean drained = slots.tryAcquire(concurrency, timeout.toNanos() + 2_000_000_000L, TimeUnit.NANOSECONDS);
        CpuUsage.Usage cpu = cpuStart == null ? CpuUsage.Usage.UNKNOWN : CpuUsage.between(cpuStart, CpuUsage.snapshot());
        if (drained) {
            slots.release(concurrency);
        } else {
            counters.failure("still in flight at the end", null);
        }
        if (notSent > 0) {
            counters.failures("not sent: no free slot before the deadline", null, notSent);
        }
        return new Run(counters, measuredStart, notSent, skippedWarmup, maxLag, cpu);
    }

    /**
     * Runs {@code workers} threads, each calling its operation back to back for {@code warmup + measure};
     * operations started during the warm-up are not measured.
     */
    static Run closedLoop(int workers, Duration warmup, Duration measure, Duration timeout, IntFunction<Operation> perWorker)
            throws InterruptedException {
        long t0 = System.nanoTime() + 20_000_000;
        long measuredStart = t0 + warmup.toNanos();
        long end = measuredStart + measure.toNanos();
        PhaseCounters counters = new PhaseCounters(measuredStart);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Operation operation = perWorker.apply(w);
            Thread thread = new Thread(() -> {
                parkUntil(t0);
                for (long n = 0; n < MOST_OPERATIONS_PER_WORKER; n++) {
                    long start = System.nanoTime();
                    if (start - end >= 0 || Thread.currentThread().isInterrupted()) {
                        break;
                    }
                    boolean measured = start - measuredStart >= 0;
                    Outcome outcome = null;
                    Throwable failure = null;
                    try {
                        outcome = operation.call(start, measured);
                    } catch (Exception e) {
                        failure = e;
                    }
                    long now = System.nanoTime();
                    if (measured) {
                        tally(counters, outcome, failure, now - start, now);
                    }
                    if (failure != null || !outcome.ok()) {
                        LockSupport.parkNanos(5_000_000); // do not spin on a failing target
                    }
                }
            }, "bench-worker-" + w);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        parkUntil(measuredStart);
        CpuUsage.Snapshot cpuStart = CpuUsage.snapshot();
        long joinDeadline = end + timeout.toNanos() + 2_000_000_000L;
        for (Thread thread : threads) {
            long left = joinDeadline - System.nanoTime();
            if (left > 0) {
                thread.join(Math.max(1, left / 1_000_000));
            }
        }
        CpuUsage.Usage cpu = CpuUsage.between(cpuStart, CpuUsage.snapshot());
        for (Thread thread : threads) {
            if (thread.isAlive()) {
                thread.interrupt();
                counters.failure("still in flight at the end", null);
            }
        }
        return new Run(counters, measuredStart, 0, 0, 0, cpu);
    }

    private static void tally(PhaseCounters counters, Outcome outcome, Throwable failure, long latency, long now) {
        if (failure != null) {
            counters.failure(PhaseCounters.label(failure), PhaseCounters.message(failure));
        } else if (outcome == null) {
            counters.failure("no outcome", null);
        } else if (outcome.ok()) {
            counters.success(latency, now);
        } else {
            counters.failure(outcome.cause(), outcome.detail());
        }
    }

    static void parkUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
