package io.masthead.subscription.subscription.model;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The pause side of a subscription: the pause it is in, if any ({@code startAt} to the planned {@code endAt}, and
 * the status it goes back to on resuming), and how many pauses began in the UTC calendar year of the latest one
 * ({@code lastYear}, 0 when it never paused). The history of every pause is the pause concept's; this is what the
 * subscription itself needs to render and to move its period.
 */
public record PauseState(Instant startAt, Instant endAt, SubscriptionStatus resumesTo, int lastYear,
        int countInLastYear) {

    public static final PauseState NONE = new PauseState(null, null, null, 0, 0);

    public PauseState {
        if ((startAt == null) != (endAt == null) || (startAt == null) != (resumesTo == null)) {
            throw new IllegalArgumentException("a pause has a start, an end and a status to resume to, or none");
        }
        if (startAt != null && !endAt.isAfter(startAt)) {
            throw new IllegalArgumentException("a pause ends after it starts: " + startAt + " .. " + endAt);
        }
    }

    /** Whether the subscription is in a pause now. */
    public boolean isPaused() {
        return startAt != null;
    }

    /** Pauses that began in the UTC calendar year {@code year}. */
    public int pausesIn(int year) {
        return year == lastYear ? countInLastYear : 0;
    }

    /** Pauses that began in the UTC calendar year of {@code at}. */
    public int pausesInYearOf(Instant at) {
        return pausesIn(yearOf(at));
    }

    public static int yearOf(Instant at) {
        return at.atZone(ZoneOffset.UTC).getYear();
    }

    /** This state with a pause from {@code start} to {@code end} begun: counted in the UTC year of its start. */
    PauseState begin(Instant start, Instant end, SubscriptionStatus from) {
        int year = yearOf(start);
        return new PauseState(start, end, from, year, pausesIn(year) + 1);
    }

    /** This state once the pause is over: no pause, the counts kept. */
    PauseState end() {
        return new PauseState(null, null, null, lastYear, countInLastYear);
    }
}
