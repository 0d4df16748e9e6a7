package io.masthead.platform.time;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Resource timestamps have millisecond precision everywhere: in the database, in API responses and in
 * events (Avro {@code timestamp-millis}), so a resource reads back exactly as it was first returned.
 */
public final class Timestamps {

    private Timestamps() {
    }

    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
