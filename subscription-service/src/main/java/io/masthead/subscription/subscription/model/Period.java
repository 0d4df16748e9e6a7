package io.masthead.subscription.subscription.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/** One billing period {@code [start, end)}; {@code number} counts periods from the cycle's anchor (0 = the first). */
public record Period(long number, Instant start, Instant end) {

    public Period {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("a period ends after it starts: " + start + " .. " + end);
        }
    }

    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    public Duration length() {
        return Duration.between(start, end);
    }
}
