package io.masthead.platform.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.masthead.platform.time.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The runner's rules, without a database: batches, order, ages, failures, configuration checks. */
class RetentionRunnerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private static RetentionProperties properties(int batchSize, Map<String, Duration> ages) {
        return new RetentionProperties(false, Duration.ZERO, Duration.ofHours(1), batchSize, ages);
    }

    /** A table of {@code rows} old rows; each batch takes at most its limit, and records its limit and cutoff. */
    private static RetentionJob table(String name, int order, AtomicLong rows, List<String> log) {
        return new RetentionJob(name, name.replace('-', '_'), Duration.ofDays(10), order, (cutoff, limit) -> {
            long n = Math.min(limit, rows.get());
            rows.addAndGet(-n);
            log.add(name + " " + limit + " " + cutoff);
            return Mono.just(n);
        }, true);
    }

    @Test
    void eachJobDeletesInBatchesUntilABatchFindsFewerRowsInOrderWithItsAge() {
        List<String> log = new ArrayList<>();
        AtomicLong children = new AtomicLong(17);
        AtomicLong parents = new AtomicLong(3);
        RetentionRunner runner = new RetentionRunner(List.of(table("parents", 2, parents, log),
                table("children", 1, children, log)), properties(5, Map.of("parents", Duration.ofDays(30))), clock,
                meters);

        assertThat(runner.runOnce()).containsExactly(Map.entry("children", 17L), Map.entry("parents", 3L));
        assertThat(log).containsExactly(
                "children 5 2026-05-22T00:00:00Z", "children 5 2026-05-22T00:00:00Z",
                "children 5 2026-05-22T00:00:00Z", "children 5 2026-05-22T00:00:00Z",
                "parents 5 2026-05-02T00:00:00Z");
        assertThat(meters.get("masthead.retention.deleted").tag("table", "children").counter().count())
                .isEqualTo(17);
        assertThat(meters.get("masthead.retention.last.run").gauge().value())
                .isEqualTo(clock.instant().getEpochSecond());
    }

    @Test
    void aFailingJobIsCountedAndTheOthersStillRun() {
        List<String> log = new ArrayList<>();
        RetentionJob broken = new RetentionJob("broken", "broken", Duration.ofDays(1), 0,
                (cutoff, limit) -> Mono.error(new IllegalStateException("database away")), true);
        RetentionRunner runner = new RetentionRunner(List.of(broken, table("fine", 1, new AtomicLong(2), log)),
                properties(10, Map.of()), clock, meters);

        assertThat(runner.runOnce()).containsExactly(Map.entry("fine", 2L));
        assertThat(meters.get("masthead.retention.failures").tag("table", "broken").counter().count()).isEqualTo(1);
    }

    @Test
    void aJobOfOneCallRunsOnceAndItsAgeCannotBeConfigured() {
        AtomicLong calls = new AtomicLong();
        RetentionJob once = RetentionJob.once("keys", "keys", 0, () -> Mono.just(calls.incrementAndGet() * 100));
        assertThat(new RetentionRunner(List.of(once), properties(10, Map.of()), clock, meters).runOnce())
                .containsEntry("keys", 100L);
        assertThat(calls).hasValue(1);
        assertThatThrownBy(() -> new RetentionRunner(List.of(once), properties(10, Map.of("keys", Duration.ofDays(1))),
                clock, meters)).hasMessageContaining("masthead.retention.ages.keys");
    }

    @Test
    void configurationIsChecked() {
        assertThatThrownBy(() -> new RetentionRunner(List.of(table("inbox", 0, new AtomicLong(), new ArrayList<>())),
                properties(10, Map.of("inbx", Duration.ofDays(1))), clock, meters))
                .hasMessageContaining("masthead.retention.ages.inbx names no retention job");
        assertThatThrownBy(() -> properties(0, Map.of())).hasMessageContaining("batch-size");
        assertThatThrownBy(() -> properties(10, Map.of("inbox", Duration.ZERO))).hasMessageContaining("ages.inbox");
        assertThatThrownBy(() -> new RetentionProperties(true, Duration.ZERO, Duration.ZERO, 10, Map.of()))
                .hasMessageContaining("interval");
        assertThatThrownBy(() -> RetentionJob.batchDelete("inbox; DROP TABLE x", "true"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RetentionJob.batchDelete("inbox", "processed_at < :cutoff")).isEqualTo(
                "DELETE FROM inbox WHERE ctid = ANY(ARRAY(SELECT ctid FROM inbox WHERE processed_at < :cutoff"
                        + " LIMIT :limit FOR UPDATE SKIP LOCKED))");
    }
}
