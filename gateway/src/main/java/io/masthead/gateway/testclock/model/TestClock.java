package io.masthead.gateway.testclock.model;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The test clock of a test-mode site. Ready: the site's time runs on with the wall clock from {@code simulatedAt},
 * set at wall time {@code setAtWall}. Advancing: it stands at {@code simulatedAt} (the last step every service
 * settled at) on its way to {@code advancingTo}. Failed: the advance gave up after its attempts; the time stands at
 * {@code simulatedAt} (the services stay frozen there) until a new advance, which starts from it. A site that never
 * advanced has the wall clock's time.
 *
 * @param lastError advancing: why the last attempt failed (it is retried), or null; failed: why the advance failed
 */
public record TestClock(String siteId, ClockStatus status, Instant simulatedAt, Instant setAtWall,
        Instant advancingTo, String lastError) {

    /** The furthest an advance may go, from the clock's now. */
    public static final Duration MAX_AHEAD = Duration.ofDays(366L * 50);

    public TestClock {
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(simulatedAt, "simulatedAt");
        if ((status == ClockStatus.ADVANCING) != (advancingTo != null)) {
            throw new IllegalArgumentException("an advancing clock, and only one, has a target");
        }
        if (status == ClockStatus.READY && setAtWall == null) {
            throw new IllegalArgumentException("a ready clock runs from a wall time");
        }
    }

    /** The clock of a site that never advanced: the wall clock. */
    public static TestClock wallClock(String siteId, Instant wall) {
        return new TestClock(siteId, ClockStatus.READY, wall, wall, null, null);
    }

    /** The site's time when the wall clock shows {@code wall}, in milliseconds. */
    public Instant now(Instant wall) {
        if (status != ClockStatus.READY) {
            return simulatedAt.truncatedTo(ChronoUnit.MILLIS);
        }
        Duration passed = Duration.between(setAtWall, wall);
        return (passed.isNegative() ? simulatedAt : simulatedAt.plus(passed)).truncatedTo(ChronoUnit.MILLIS);
    }

    /** An advance asked for: accepted (the clock, advancing) or refused with the reason. */
    public sealed interface Advance {
        record Accepted(TestClock clock) implements Advance {
        }

        /** Another advance is running: it must finish first. */
        record AlreadyAdvancing(Instant advancingTo) implements Advance {
        }

        /** The target is not after the clock's now: the clock only moves forward. */
        record NotLater(Instant now) implements Advance {
        }

        /** The target is further than {@link #MAX_AHEAD} from now. */
        record TooFar(Instant now) implements Advance {
        }
    }

    /** What a failed clock shows as its failure (null otherwise). */
    public String failure() {
        return status == ClockStatus.FAILED ? lastError : null;
    }

    /** Advancing from the site's time at {@code wall} to {@code target}; a failed clock advances from where it stands. */
    public Advance advanceTo(Instant target, Instant wall) {
        if (status == ClockStatus.ADVANCING) {
            return new Advance.AlreadyAdvancing(advancingTo);
        }
        Instant now = now(wall);
        Instant to = target.truncatedTo(ChronoUnit.MILLIS);
        if (!to.isAfter(now)) {
            return new Advance.NotLater(now);
        }
        if (to.isAfter(now.plus(MAX_AHEAD))) {
            return new Advance.TooFar(now);
        }
        return new Advance.Accepted(new TestClock(siteId, ClockStatus.ADVANCING, now, null, to, null));
    }

    /** The clock once its advance completed: ready, running on from the target since {@code wall}. */
    public TestClock reached(Instant wall) {
        if (status != ClockStatus.ADVANCING) {
            throw new IllegalStateException("not advancing");
        }
        return new TestClock(siteId, ClockStatus.READY, advancingTo, wall, null, null);
    }
}
