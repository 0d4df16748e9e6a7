package io.masthead.subscription.subscription.model;

import static io.masthead.subscription.subscription.model.SubscriptionStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubscriptionStatusTest {

    /** The whole table, written out: every pair not listed is refused. */
    private static final Map<SubscriptionStatus, Set<SubscriptionStatus>> ALLOWED = Map.of(
            SCHEDULED, EnumSet.of(TRIALING, ACTIVE, CANCELED),
            TRIALING, EnumSet.of(ACTIVE, PAST_DUE, UNPAID, PAUSED, CANCELED),
            ACTIVE, EnumSet.of(PAST_DUE, UNPAID, PAUSED, CANCELED, EXPIRED),
            PAST_DUE, EnumSet.of(ACTIVE, UNPAID, PAUSED, CANCELED, EXPIRED),
            UNPAID, EnumSet.of(ACTIVE, CANCELED, EXPIRED),
            PAUSED, EnumSet.of(ACTIVE, TRIALING, PAST_DUE, CANCELED, EXPIRED),
            CANCELED, EnumSet.noneOf(SubscriptionStatus.class),
            EXPIRED, EnumSet.noneOf(SubscriptionStatus.class));

    @Test
    void everyAllowedAndEveryRefusedTransition() {
        int checked = 0;
        for (SubscriptionStatus from : values()) {
            for (SubscriptionStatus to : values()) {
                assertThat(from.canBecome(to)).as("%s -> %s", from, to).isEqualTo(ALLOWED.get(from).contains(to));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(64);
    }

    @Test
    void terminalStatesStayTerminalAndNothingReturnsToScheduled() {
        assertThat(EnumSet.allOf(SubscriptionStatus.class).stream().filter(SubscriptionStatus::isTerminal))
                .containsExactlyInAnyOrder(CANCELED, EXPIRED);
        for (SubscriptionStatus from : values()) {
            assertThat(from.canBecome(SCHEDULED)).isFalse();
            assertThat(from.canBecome(from)).as("staying put is no transition").isFalse();
        }
    }

    @Test
    void pausedIsReachableFromEveryRunningStateAndLeadsBackToActive() {
        assertThat(ACTIVE.canBecome(PAUSED)).isTrue();
        assertThat(PAUSED.canBecome(ACTIVE)).isTrue();
        assertThat(SCHEDULED.canBecome(PAUSED)).isFalse();
    }

    @Test
    void wireNamesRoundTrip() {
        for (SubscriptionStatus s : values()) {
            assertThat(SubscriptionStatus.parse(s.wireName())).isEqualTo(s);
            assertThat(SubscriptionStatus.isKnown(s.wireName())).isTrue();
        }
        assertThat(SubscriptionStatus.isKnown("cancelled")).isFalse();
    }
}
