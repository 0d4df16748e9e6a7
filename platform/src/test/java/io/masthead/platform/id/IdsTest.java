package io.masthead.platform.id;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.time.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsHaveTheirPrefixAndAFixedLengthBody() {
        String id = Ids.next("cus", new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(id).startsWith("cus_").hasSize(4 + Ids.BODY_LENGTH);
        assertThat(Ids.looksLike("cus", id)).isTrue();
        assertThat(Ids.looksLike("org", id)).isFalse();
        assertThat(Ids.looksLike("cus", "cus_" + "I".repeat(26))).as("I is not in the alphabet").isFalse();
        assertThat(Ids.looksLike("cus", "cus_short")).isFalse();
    }

    @Test
    void idsSortInCreationOrder() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        String earlier = Ids.next("cus", clock);
        clock.advance(Duration.ofMillis(1));
        String later = Ids.next("cus", clock);
        assertThat(earlier).isLessThan(later);
        clock.advance(Duration.ofDays(3650));
        assertThat(Ids.next("cus", clock)).isGreaterThan(later);
    }

    @Test
    void idsInTheSameMillisecondAreDistinct() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(Ids.next("evt", clock));
        }
        assertThat(ids).hasSize(10_000);
    }
}
