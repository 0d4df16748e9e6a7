package io.masthead.platform.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Collects every violation of an input, so a client learns of all its bad fields at once. */
public final class Violations {

    private final List<Violation> list;
    private final String prefix;

    public Violations() {
        this(new ArrayList<>(), "");
    }

    private Violations(List<Violation> list, String prefix) {
        this.list = list;
        this.prefix = prefix;
    }

    /** A view that records into the same list, naming fields {@code name.field}. */
    public Violations nested(String name) {
        return new Violations(list, prefix + name + ".");
    }

    public Violations add(String field, String message) {
        list.add(new Violation(prefix + field, message));
        return this;
    }

    /** Records {@code message} for {@code field} unless the value is null or passes the check. */
    public <T> Violations checkIfPresent(String field, T value, Predicate<T> valid, String message) {
        if (value != null && !valid.test(value)) {
            add(field, message);
        }
        return this;
    }

    public Violations require(String field, Object value) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            add(field, "is required");
        }
        return this;
    }

    public Violations maxLength(String field, String value, int max) {
        return checkIfPresent(field, value, v -> v.length() <= max, "must be at most " + max + " characters");
    }

    /** The earliest instant an API takes (the Unix epoch). */
    public static final java.time.Instant EARLIEST_TIME = java.time.Instant.parse("1970-01-01T00:00:00Z");
    /** The latest instant an API takes: the end of year 9999 (well inside Java's and PostgreSQL's ranges). */
    public static final java.time.Instant LATEST_TIME = java.time.Instant.parse("9999-12-31T23:59:59.999Z");

    /**
     * Records a violation for {@code field} unless the time is null or within [{@link #EARLIEST_TIME},
     * {@link #LATEST_TIME}]: period arithmetic and the database's timestamp type cannot fail on it then.
     */
    public Violations timeInRange(String field, java.time.Instant value) {
        return checkIfPresent(field, value, t -> !t.isBefore(EARLIEST_TIME) && !t.isAfter(LATEST_TIME),
                "must be between " + EARLIEST_TIME + " and " + LATEST_TIME);
    }

    /**
     * {@link #timeInRange} and, besides, at most {@code maxYearsAhead} calendar years (UTC) after {@code now}:
     * for a time in the future that the service computes periods from.
     */
    public Violations timeAtMostYearsAhead(String field, java.time.Instant value, java.time.Instant now,
            int maxYearsAhead) {
        int before = list.size();
        timeInRange(field, value);
        if (value != null && list.size() == before) {
            java.time.Instant limit = now.atOffset(java.time.ZoneOffset.UTC).plusYears(maxYearsAhead).toInstant();
            checkIfPresent(field, value, t -> !t.isAfter(limit),
                    "must be at most " + maxYearsAhead + " years after now (" + limit + ")");
        }
        return this;
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<Violation> list() {
        return List.copyOf(list);
    }

    /** Throws a {@link ValidationException} carrying every violation, if there is any. */
    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new ValidationException(list());
        }
    }
}
