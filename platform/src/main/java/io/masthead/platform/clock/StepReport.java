package io.masthead.platform.clock;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How a participant stands after a step call.
 *
 * @param quiet      nothing of the site is due up to the step time, its outbox for the site is published and its
 *                   consumers have taken in everything that was on their topics when the call started
 * @param nextDue    the earliest due time of the site's pending work in this participant; null when it has none
 * @param activity   a counter that grows whenever the participant processes due work of the site or takes in an
 *                   event of the site: two equal values mean nothing happened in between
 * @param waitingFor why the participant is not quiet (empty when it is), e.g. {@code "outbox: 2 events not yet
 *                   published"}
 * @param progressed whether the call did work and stopped for its budget with more possibly left (a drain cut by
 *                   {@code masthead.clock.drain-budget} after running items): such a round does not count against
 *                   the coordinator's rounds of a step
 */
public record StepReport(boolean quiet, Instant nextDue, long activity, List<String> waitingFor, boolean progressed) {

    public StepReport {
        waitingFor = waitingFor == null ? List.of() : List.copyOf(waitingFor);
        if (quiet && !waitingFor.isEmpty()) {
            throw new IllegalArgumentException("a quiet participant waits for nothing: " + waitingFor);
        }
        if (quiet && progressed) {
            throw new IllegalArgumentException("a participant that stopped for its budget is not quiet");
        }
    }

    /** A report of a call that made no progress it reports. */
    public StepReport(boolean quiet, Instant nextDue, long activity, List<String> waitingFor) {
        this(quiet, nextDue, activity, waitingFor, false);
    }

    public static StepReport quiet(Instant nextDue, long activity) {
        return new StepReport(true, nextDue, activity, List.of(), false);
    }

    public static StepReport busy(Instant nextDue, long activity, List<String> waitingFor) {
        Objects.requireNonNull(waitingFor, "waitingFor");
        if (waitingFor.isEmpty()) {
            throw new IllegalArgumentException("a participant that is not quiet says what it waits for");
        }
        return new StepReport(false, nextDue, activity, waitingFor, false);
    }

    /** Not quiet: the call did work and stopped for its budget, with more possibly left ({@code progressed}). */
    public static StepReport drained(Instant nextDue, long activity, List<String> waitingFor) {
        Objects.requireNonNull(waitingFor, "waitingFor");
        if (waitingFor.isEmpty()) {
            throw new IllegalArgumentException("a participant that is not quiet says what it waits for");
        }
        return new StepReport(false, nextDue, activity, waitingFor, true);
    }
}
