package io.masthead.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void defaults() {
        BenchOptions o = BenchOptions.parse();
        assertThat(o.rates()).containsExactly(50.0, 200.0, 500.0, 1000.0);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(o.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.maxDuration()).isEqualTo(o.duration());
        assertThat(o.keyFile()).isEqualTo(Path.of(".data/dev-site.key"));
        assertThat(o.postgresHost()).isEqualTo("localhost");
        assertThat(o.postgresPort()).isEqualTo(15432);
        assertThat(o.output()).isEqualTo(Path.of("bench/target/results.md"));
        assertThat(o.maxPhase() && o.ceilingPhase() && o.livenessPhase()).isTrue();
    }

    @Test
    void parsesOptionsInBothForms() {
        BenchOptions o = BenchOptions.parse("--rates", "10, 20.5", "--duration=2s", "--warmup", "500ms",
                "--max-duration", "1m", "--workers", "8", "--gateway", "http://127.0.0.1:9090/", "--postgres", "[::1]:5433",
                "--no-liveness", "--key-file", "/tmp/k");
        assertThat(o.rates()).isEqualTo(List.of(10.0, 20.5));
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.maxDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.workers()).isEqualTo(8);
        assertThat(o.gateway().toString()).isEqualTo("http://127.0.0.1:9090");
        assertThat(o.postgresHost()).isEqualTo("::1");
        assertThat(o.postgresPort()).isEqualTo(5433);
        assertThat(o.livenessPhase()).isFalse();
        assertThat(BenchOptions.parse("--rates", "none").rates()).isEmpty();
    }

    @Test
    void durations() {
        assertThat(BenchOptions.parseDuration("15")).isEqualTo(Duration.ofSeconds(15));
        assertThat(BenchOptions.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(BenchOptions.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(BenchOptions.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> BenchOptions.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyLoopbackTargetsAndBoundedSettings() {
        assertThatThrownBy(() -> BenchOptions.parse("--gateway", "http://192.0.2.1:8080"))
                .hasMessageContaining("not a loopback address");
        assertThatThrownBy(() -> BenchOptions.parse("--kafka", "localhost:19092,203.0.113.9:9092"))
                .hasMessageContaining("not a loopback address");
        assertThatThrownBy(() -> BenchOptions.parse("--postgres", "198.51.100.7:5432"))
                .hasMessageContaining("not a loopback address");
        assertThatThrownBy(() -> BenchOptions.parse("--duration", "11m")).hasMessageContaining("between");
        assertThatThrownBy(() -> BenchOptions.parse("--rates", "0")).hasMessageContaining("rates");
        assertThatThrownBy(() -> BenchOptions.parse("--workers", "1000")).hasMessageContaining("--workers");
        assertThatThrownBy(() -> BenchOptions.parse("--bench-db", "x; DROP")).hasMessageContaining("--bench-db");
        assertThatThrownBy(() -> BenchOptions.parse("--what")).hasMessageContaining("missing value");
        assertThatThrownBy(() -> BenchOptions.parse("--what", "x")).hasMessageContaining("unknown option");
    }
}
