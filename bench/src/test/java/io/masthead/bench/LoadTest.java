package io.masthead.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The harness's own scheduling (timing bounds kept loose: these run on busy 2-core machines too). */
class LoadTest {

    @Test
    void openLoopSendsOnScheduleAndChargesStallsToLatency() throws Exception {
        ScheduledExecutorService server = Executors.newSingleThreadScheduledExecutor();
        try {
            AtomicInteger sent = new AtomicInteger();
            // 200/s for 0.5 s (0.1 s warm-up); each response takes 2 ms, so nothing queues.
            Load.Run run = Load.openLoop(RateSchedule.of(200, Duration.ofMillis(100), Duration.ofMillis(400)), 8,
                    Duration.ofSeconds(2), (due, measured) -> {
                        sent.incrementAndGet();
                        CompletableFuture<Load.Outcome> f = new CompletableFuture<>();
                        server.schedule(() -> f.complete(Load.Outcome.OK), 2, TimeUnit.MILLISECONDS);
                        return f;
                    });
            assertThat(sent.get() + run.skippedWarmup()).isEqualTo(100);
            assertThat(run.counters().ok()).isEqualTo(80);
            assertThat(run.counters().errors()).isZero();
            assertThat(run.achievedRate()).isBetween(50.0, 230.0);
            assertThat(run.counters().latency.summary().p50()).isBetween(1.5, 2000.0);

            // One slot and 50 ms responses at 100/s: requests go out late, and their latency says so.
            Load.Run stalled = Load.openLoop(RateSchedule.of(100, Duration.ZERO, Duration.ofMillis(300)), 1,
                    Duration.ofSeconds(5), (due, measured) -> {
                        CompletableFuture<Load.Outcome> f = new CompletableFuture<>();
                        server.schedule(() -> f.complete(Load.Outcome.OK), 50, TimeUnit.MILLISECONDS);
                        return f;
                    });
            assertThat(stalled.counters().ok()).isEqualTo(30);
            assertThat(stalled.counters().latency.summary().max()).isGreaterThan(1000.0);
            assertThat(stalled.achievedRate()).isBetween(4.0, 25.0);
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void openLoopGivesUpOnRequestsThatFindNoSlotBeforeTheDeadline() throws Exception {
        Load.Run run = Load.openLoop(RateSchedule.of(100, Duration.ZERO, Duration.ofMillis(200)), 2,
                Duration.ofMillis(200), (due, measured) -> new CompletableFuture<>()); // never answers
        assertThat(run.counters().ok()).isZero();
        assertThat(run.notSent()).isEqualTo(18);
        assertThat(run.counters().causes()).containsEntry("not sent: no free slot before the deadline", 18L)
                .containsEntry("still in flight at the end", 1L);
    }

    @Test
    void warmupThatCannotGoOutInTimeIsDroppedSoTheMeasuredPartStartsOnTime() throws Exception {
        ScheduledExecutorService server = Executors.newSingleThreadScheduledExecutor();
        try {
            // 100/s with one slot and 100 ms responses: about 10/s go out.
            Load.Run run = Load.openLoop(RateSchedule.of(100, Duration.ofMillis(300), Duration.ofMillis(300)), 1,
                    Duration.ofSeconds(1), (due, measured) -> {
                        CompletableFuture<Load.Outcome> f = new CompletableFuture<>();
                        server.schedule(() -> f.complete(Load.Outcome.OK), 100, TimeUnit.MILLISECONDS);
                        return f;
                    });
            assertThat(run.skippedWarmup()).isBetween(20L, 29L);
            assertThat(run.counters().ok()).isBetween(1L, 16L);
            assertThat(run.counters().ok() + run.notSent()).isEqualTo(30);
            assertThat(run.counters().latency.summary().max()).isGreaterThan(500.0);
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void closedLoopCountsOnlyMeasuredOperationsAndErrors() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Load.Run run = Load.closedLoop(2, Duration.ofMillis(100), Duration.ofMillis(300), Duration.ofSeconds(1),
                w -> (start, measured) -> {
                    Thread.sleep(5);
                    return calls.incrementAndGet() % 10 == 0 ? Load.Outcome.error("HTTP 503", "busy") : Load.Outcome.OK;
                });
        long measured = run.counters().ok() + run.counters().errors();
        assertThat(measured).isLessThan(calls.get()).isGreaterThan(10);
        assertThat(run.counters().causes()).containsKey("HTTP 503");
        assertThat(run.counters().samples()).containsEntry("HTTP 503", "busy");
        assertThat(run.achievedRate()).isBetween(10.0, 450.0);
    }
}
