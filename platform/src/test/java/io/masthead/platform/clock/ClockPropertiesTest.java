package io.masthead.platform.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClockPropertiesTest {

    private static final Duration S = Duration.ofSeconds(1);

    @Test
    void aDrainBudgetThatIsNotPositiveFailsAtStartUpNamingTheProperty() {
        assertThatThrownBy(() -> new ClockProperties(S, S, S, Duration.ZERO))
                .hasMessageContaining("masthead.clock.drain-budget must be positive");
        assertThatThrownBy(() -> new ClockProperties(S, S, S, Duration.ofSeconds(-1)))
                .hasMessageContaining("masthead.clock.drain-budget");
        assertThatThrownBy(() -> new ClockProperties(S, S, Duration.ZERO, S))
                .hasMessageContaining("masthead.clock.poll-interval");
        assertThat(new ClockProperties(S, S, Duration.ofMillis(20), Duration.ofSeconds(10)).drainBudget())
                .isEqualTo(Duration.ofSeconds(10));
    }
}
