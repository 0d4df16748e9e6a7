package io.masthead.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RenewalOptionsTest {

    private static final String KEY = "sk_test_abc";

    @Test
    void defaultsPointAtTheLocalRun() {
        RenewalOptions o = RenewalOptions.parse("--key", KEY);
        assertThat(o.subscriptions()).isEqualTo(100_000);
        assertThat(o.gateway().toString()).isEqualTo("http://localhost:8080");
        assertThat(o.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:15432/subscriptions");
        assertThat(o.kafka()).isEqualTo("localhost:19092");
        assertThat(o.topic()).isEqualTo("subscriptions.v1");
        assertThat(o.managementPort()).isEqualTo(9082);
        assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(o.out()).isEqualTo(Path.of("bench/target/renewals.md"));
    }

    @Test
    void parsesEveryOption() {
        RenewalOptions o = RenewalOptions.parse("--key", KEY, "--subscriptions", "10_000", "--gateway",
                "http://127.0.0.1:9090", "--postgres", "127.0.0.1:5433", "--kafka", "localhost:9092", "--timeout", "2m",
                "--out", "/tmp/r.md", "--database", "subs", "--topic", "t.v1", "--management-port", "9999");
        assertThat(o.subscriptions()).isEqualTo(10_000);
        assertThat(o.gateway().getPort()).isEqualTo(9090);
        assertThat(o.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/subs");
        assertThat(o.kafka()).isEqualTo("localhost:9092");
        assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.out()).isEqualTo(Path.of("/tmp/r.md"));
        assertThat(o.topic()).isEqualTo("t.v1");
        assertThat(o.managementPort()).isEqualTo(9999);
    }

    @Test
    void refusesWhatWouldLeaveTheMachineOrNeverEnd() {
        assertThatThrownBy(() -> RenewalOptions.parse("--key", KEY, "--gateway", "http://192.0.2.1:8080"))
                .hasMessageContaining("not a loopback address");
        assertThatThrownBy(() -> RenewalOptions.parse("--key", KEY, "--postgres", "192.0.2.1:5432"))
                .hasMessageContaining("not a loopback address");
        assertThatThrownBy(() -> RenewalOptions.parse("--key", KEY, "--kafka", "192.0.2.1:9092"))
                .hasMessageContaining("not a loopback address");
        assertThatThrownBy(() -> RenewalOptions.parse("--key", KEY, "--subscriptions", "0"))
                .hasMessageContaining("--subscriptions");
        assertThatThrownBy(() -> RenewalOptions.parse("--key", KEY, "--subscriptions", "1000001"))
                .hasMessageContaining("--subscriptions");
        assertThatThrownBy(() -> RenewalOptions.parse("--key", KEY, "--timeout", "31m"))
                .hasMessageContaining("--timeout");
        assertThatThrownBy(() -> RenewalOptions.parse("--key", KEY, "--database", "subs; DROP TABLE x"))
                .hasMessageContaining("--database");
    }

    @Test
    void needsATestModeKey() {
        assertThatThrownBy(RenewalOptions::parse).hasMessageContaining("--key");
        assertThatThrownBy(() -> RenewalOptions.parse("--key", "sk_live_abc")).hasMessageContaining("test-mode");
        assertThatThrownBy(() -> RenewalOptions.parse("--key", KEY, "--bogus", "1")).hasMessageContaining("unknown");
    }
}
