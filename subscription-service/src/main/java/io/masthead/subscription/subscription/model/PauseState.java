package io.masthead.subscription.subscription.model;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The pause side of a subscription: the pause it is in, if any ({@code startAt} to the planned {@code endAt}, and
 * the status it goes back to on resuming), and how many pauses began in the UTC calendar year of the latest one
 * ({@code lastYear}, 0 when it never paused). {@code periodCredit} is how far pauses moved the current period's end
 * (the planned length of the pause in progress, what an ended one kept): the period as sold is the current one less
 * it, and a prorated refund counts the time used without it. The history of every pause is the pause concept's; this
 * is what the subscription itself needs to render, to move its period and to refund it.
 * {@code shipmentsSuspendedBefore} is the shipment suspension the pause replaced (restored by an early resume while
 * it still lasts).
 */
public record PauseState(Instant startAt, Instant endAt, SubscriptionStatus resumesTo, int lastYear,
        int countInLastYear, Duration periodCredit, Instant shipmentsSuspendedBefore) {

    public static final PauseState NONE = new PauseState(null, null, null, 0, 0, Duration.ZERO, null);

    public PauseState {
        periodCredit = periodCredit == null ? Duration.ZERO : periodCredit;
        if (periodCredit.isNegative()) {
            throw new IllegalArgumentException("a pause credit is not negative: " + periodCredit);
        }
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
    PauseState begin(Instant start, Instant end, SubscriptionStatus from, Instant suspendedBefore) {
        int year = yearOf(start);
        return new PauseState(start, end, from, year, pausesIn(year) + 1,
                periodCredit.plus(Duration.between(start, end)), suspendedBefore);
    }

    /** This state once the pause is over, having moved the period by {@code kept} in all: no pause, the counts kept. */
    PauseState end(Duration kept) {
        Duration credit = isPaused() ? periodCredit.minus(Duration.between(startAt, endAt)).plus(kept) : periodCredit;
        return new PauseState(null, null, null, lastYear, countInLastYear, credit.isNegative() ? Duration.ZERO : credit,
                null);
    }

    /** This state in a new period: no pause moved it yet. */
    PauseState newPeriod() {
        return new PauseState(startAt, endAt, resumesTo, lastYear, countInLastYear, Duration.ZERO,
                shipmentsSuspendedBefore);
    }

    /**
     * The paused time of the current period up to {@code at}: what ended pauses kept, and the time the pause in
     * progress has run so far. None of it is time used.
     */
    public Duration pausedUntil(Instant at) {
        if (!isPaused()) {
            return periodCredit;
        }
        Duration planned = Duration.between(startAt, endAt);
        Duration closed = periodCredit.minus(planned);
        Duration running = at.isBefore(startAt) ? Duration.ZERO
                : at.isAfter(endAt) ? planned : Duration.between(startAt, at);
        return (closed.isNegative() ? Duration.ZERO : closed).plus(running);
    }
}
