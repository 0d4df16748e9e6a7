package io.masthead.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventTrackerTest {

    private static final long MS = 1_000_000;

    @Test
    void eventAfterResponse() {
        EventTracker tracker = new EventTracker();
        EventTracker.PhaseEvents events = new EventTracker.PhaseEvents();
        tracker.responded("cus_1", 0, 10 * MS, events);
        assertThat(events.missing()).isEqualTo(1);
        tracker.received("cus_1", 25 * MS);
        assertThat(events.missing()).isZero();
        assertThat(events.afterResponse.summary().p50()).isCloseTo(15, org.assertj.core.data.Offset.offset(0.1));
        assertThat(events.afterRequestStart.summary().p50()).isCloseTo(25, org.assertj.core.data.Offset.offset(0.1));
        assertThat(tracker.size()).isZero();
    }

    @Test
    void eventBeforeResponseCountsAsZeroAfterIt() {
        EventTracker tracker = new EventTracker();
        EventTracker.PhaseEvents events = new EventTracker.PhaseEvents();
        tracker.received("cus_2", 8 * MS);
        tracker.responded("cus_2", 0, 10 * MS, events);
        assertThat(events.matched.get()).isEqualTo(1);
        assertThat(events.beforeResponse.get()).isEqualTo(1);
        assertThat(events.afterResponse.summary().max()).isLessThan(0.01);
        assertThat(events.afterRequestStart.summary().p50()).isCloseTo(8, org.assertj.core.data.Offset.offset(0.1));
        assertThat(tracker.size()).isZero();
    }

    @Test
    void onlyTheFirstEventOfAKeyCountsAndWarmupIsNotRecorded() {
        EventTracker tracker = new EventTracker();
        EventTracker.PhaseEvents events = new EventTracker.PhaseEvents();
        tracker.responded("warm", 0, MS, null);
        tracker.received("warm", 2 * MS);
        tracker.responded("cus_3", 0, MS, events);
        tracker.received("cus_3", 2 * MS);
        tracker.received("cus_3", 50 * MS); // a duplicate: left as an unmatched arrival
        assertThat(events.expected.get()).isEqualTo(1);
        assertThat(events.matched.get()).isEqualTo(1);
        assertThat(events.afterResponse.summary().count()).isEqualTo(1);
    }

    @Test
    void forgettingKeepsTheMapBounded() {
        EventTracker tracker = new EventTracker();
        EventTracker.PhaseEvents events = new EventTracker.PhaseEvents();
        tracker.responded("never", 0, MS, events);
        tracker.responded("warm", 0, MS, null);
        tracker.received("foreign-old", 5 * MS);
        tracker.received("foreign-new", 500 * MS);
        tracker.forget(events, 100 * MS);
        tracker.forgetWarmup();
        assertThat(tracker.size()).isEqualTo(1); // foreign-new
        assertThat(events.missing()).isEqualTo(1);
    }
}
