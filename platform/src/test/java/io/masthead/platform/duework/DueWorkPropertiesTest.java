package io.masthead.platform.duework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DueWorkPropertiesTest {

    private static DueWorkProperties backoff(Duration first, Duration max) {
        return new DueWorkProperties(true, Duration.ofSeconds(1), 100, 4, Duration.ofSeconds(60), 10, first, max);
    }

    @Test
    void theWaitDoublesWithEachFailedTryUpToTheCap() {
        DueWorkProperties p = backoff(Duration.ofSeconds(10), Duration.ofMinutes(5));
        assertThat(p.backoffAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.backoffAfter(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(p.backoffAfter(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(p.backoffAfter(5)).isEqualTo(Duration.ofSeconds(160));
        assertThat(p.backoffAfter(6)).isEqualTo(Duration.ofMinutes(5)); // 320 s capped
        assertThat(p.backoffAfter(1_000_000)).isEqualTo(Duration.ofMinutes(5)); // no overflow
        assertThat(p.backoffAfter(0)).isEqualTo(Duration.ZERO);
    }

    @Test
    void aCapEqualToTheFirstWaitKeepsTheWaitConstant() {
        DueWorkProperties p = backoff(Duration.ofMillis(1500), Duration.ofMillis(1500));
        assertThat(p.backoffAfter(1)).isEqualTo(Duration.ofMillis(1500));
        assertThat(p.backoffAfter(9)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        DueWorkProperties d = DueWorkProperties.defaults();
        assertThat(d.enabled()).isTrue();
        assertThat(d.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.lease()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.maxAttempts()).isEqualTo(10);
        assertThat(d.backoffAfter(10)).isEqualTo(Duration.ofHours(1)); // 10 s * 2^9 = 85 min, capped at 1 h
    }

    @Test
    void badSettingsFailAtStartUpNamingTheProperty() {
        assertThatThrownBy(() -> new DueWorkProperties(true, Duration.ofSeconds(1), 100, 8, Duration.ofSeconds(60), 3,
                Duration.ofSeconds(10), Duration.ofMinutes(1), 5_000, 3)).hasMessageContaining("chunk-size x chunk-concurrency");
        assertThat(new DueWorkProperties(true, Duration.ofSeconds(1), 100, 8, Duration.ofSeconds(60), 3,
                Duration.ofSeconds(10), Duration.ofMinutes(1), 5_000, 2).chunkConcurrency()).isEqualTo(2);
        assertThatThrownBy(() -> new DueWorkProperties(true, Duration.ZERO, 100, 4, Duration.ofSeconds(60), 10,
                Duration.ofSeconds(1), Duration.ofHours(1))).hasMessageContaining("masthead.due-work.poll-interval");
        assertThatThrownBy(() -> new DueWorkProperties(true, Duration.ofSeconds(1), 0, 4, Duration.ofSeconds(60), 10,
                Duration.ofSeconds(1), Duration.ofHours(1))).hasMessageContaining("batch-size");
        assertThatThrownBy(() -> new DueWorkProperties(true, Duration.ofSeconds(1), 10, 0, Duration.ofSeconds(60), 10,
                Duration.ofSeconds(1), Duration.ofHours(1))).hasMessageContaining("concurrency");
        assertThatThrownBy(() -> new DueWorkProperties(true, Duration.ofSeconds(1), 10, 1, Duration.ofMillis(10), 10,
                Duration.ofSeconds(1), Duration.ofHours(1))).hasMessageContaining("lease");
        assertThatThrownBy(() -> new DueWorkProperties(true, Duration.ofSeconds(1), 10, 1, Duration.ofSeconds(60), 0,
                Duration.ofSeconds(1), Duration.ofHours(1))).hasMessageContaining("max-attempts");
        assertThatThrownBy(() -> new DueWorkProperties(true, Duration.ofSeconds(1), 10, 1, Duration.ofSeconds(60), 3,
                Duration.ofSeconds(10), Duration.ofSeconds(5))).hasMessageContaining("max-retry-backoff");
        assertThatThrownBy(() -> new DueWorkProperties(true, Duration.ofSeconds(1), 10, 1, Duration.ofSeconds(60), 3,
                Duration.ofSeconds(10), Duration.ofMinutes(1), 0, 2)).hasMessageContaining("chunk-size");
        assertThatThrownBy(() -> new DueWorkProperties(true, Duration.ofSeconds(1), 10, 1, Duration.ofSeconds(60), 3,
                Duration.ofSeconds(10), Duration.ofMinutes(1), 250, 0)).hasMessageContaining("chunk-concurrency");
    }

    @Test
    void chunksDefaultTo250ItemsTwoAtOnce() {
        assertThat(DueWorkProperties.defaults().chunkSize()).isEqualTo(250);
        assertThat(DueWorkProperties.defaults().chunkConcurrency()).isEqualTo(2);
    }

    @Test
    void anErrorIsDescribedWithItsCausesAndKeptShort() {
        Exception error = new IllegalStateException("outer", new java.io.IOException("inner"));
        assertThat(DueWorkRunner.describe(error))
                .isEqualTo("java.lang.IllegalStateException: outer; caused by java.io.IOException: inner");
        assertThat(DueWorkRunner.describe(new RuntimeException("x".repeat(10_000)))).hasSize(4000);
        assertThat(DueWorkRunner.describe(new NullPointerException())).isEqualTo("java.lang.NullPointerException");
    }
}
