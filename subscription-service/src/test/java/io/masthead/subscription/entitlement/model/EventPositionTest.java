package io.masthead.subscription.entitlement.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which event of a subscription comes after the one applied, and who holds a subscription. */
class EventPositionTest {

    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void onTheSamePartitionTheOffsetDecides() {
        EventPosition applied = new EventPosition(3, 10, T);
        assertThat(new EventPosition(3, 11, T.minusSeconds(5)).isAfter(applied)).isTrue();
        assertThat(new EventPosition(3, 10, T).isAfter(applied)).as("the same event again").isFalse();
        assertThat(new EventPosition(3, 9, T.plusSeconds(5)).isAfter(applied)).as("an older one").isFalse();
    }

    @Test
    void onAnotherPartitionTheTimeDecides() {
        EventPosition applied = new EventPosition(3, 10, T);
        assertThat(new EventPosition(4, 0, T).isAfter(applied)).isTrue();
        assertThat(new EventPosition(4, 99, T.minusMillis(1)).isAfter(applied)).isFalse();
    }

    @Test
    void aGiftIsHeldByItsRecipient() {
        assertThat(HeldSubscription.of("sub_1", "cus_payer", "cus_recipient", "plan_1", "active").holderId())
                .isEqualTo("cus_recipient");
        assertThat(HeldSubscription.of("sub_1", "cus_payer", null, "plan_1", "active").holderId())
                .isEqualTo("cus_payer");
    }
}
