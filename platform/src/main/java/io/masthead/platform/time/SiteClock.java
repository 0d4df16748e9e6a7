package io.masthead.platform.time;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The stored clock of a test-mode site (a row of {@code site_clocks}): frozen, the site's time is
 * {@code simulatedAt}; running, it is {@code simulatedAt} plus the wall time passed since {@code setAtWall}.
 */
public record SiteClock(Instant simulatedAt, Instant setAtWall, boolean frozen) {

    /** The site's time when the wall clock shows {@code wall}, in milliseconds; never before {@code simulatedAt}. */
    public Instant now(Instant wall) {
        if (frozen) {
            return simulatedAt.truncatedTo(ChronoUnit.MILLIS);
        }
        Duration passed = Duration.between(setAtWall, wall);
        Instant now = passed.isNegative() ? simulatedAt : simulatedAt.plus(passed);
        return now.truncatedTo(ChronoUnit.MILLIS);
    }
}
