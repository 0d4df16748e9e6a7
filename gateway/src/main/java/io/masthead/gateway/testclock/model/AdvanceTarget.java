package io.masthead.gateway.testclock.model;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Where an advance goes: an instant ({@code "to": "2030-02-01T00:00:00Z"}) or an ISO-8601 duration from the
 * clock's now ({@code "by": "P30D"}, {@code "PT1H"}, {@code "P1M"}: calendar months and years in UTC).
 */
public sealed interface AdvanceTarget {

    Instant from(Instant now);

    record At(Instant instant) implements AdvanceTarget {
        @Override
        public Instant from(Instant now) {
            return instant;
        }
    }

    record By(Period period, Duration duration) implements AdvanceTarget {
        /**
         * {@code now} plus the duration; a duration beyond the range of times ({@code P999999999Y},
         * {@code PT9999999999999H}) saturates at {@link Instant#MAX}, which the clock then refuses as too far ahead
         * (a 422 naming {@code by}), never an exception.
         */
        @Override
        public Instant from(Instant now) {
            try {
                return now.atOffset(ZoneOffset.UTC).plus(period).toInstant().plus(duration);
            } catch (DateTimeException | ArithmeticException e) {
                return Instant.MAX;
            }
        }

        public boolean isPositive() {
            return !period.isNegative() && !duration.isNegative() && !(period.isZero() && duration.isZero());
        }
    }

    static Optional<At> parseInstant(String text) {
        try {
            return Optional.of(new At(Instant.parse(text)));
        } catch (DateTimeException e) {
            try {
                return Optional.of(new At(java.time.OffsetDateTime.parse(text).toInstant()));
            } catch (DateTimeException again) {
                return Optional.empty();
            }
        }
    }

    /** {@code PnYnMnWnD} and/or {@code TnHnMnS}; empty when it is not such a duration. */
    static Optional<By> parseDuration(String text) {
        if (text == null || !text.startsWith("P") || text.startsWith("-")) {
            return Optional.empty();
        }
        int t = text.indexOf('T');
        String datePart = t < 0 ? text : text.substring(0, t);
        String timePart = t < 0 ? null : "P" + text.substring(t);
        try {
            Period period = datePart.equals("P") ? Period.ZERO : Period.parse(datePart);
            Duration duration = timePart == null ? Duration.ZERO : Duration.parse(timePart);
            if (datePart.equals("P") && timePart == null) {
                return Optional.empty();
            }
            return Optional.of(new By(period, duration));
        } catch (DateTimeException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
