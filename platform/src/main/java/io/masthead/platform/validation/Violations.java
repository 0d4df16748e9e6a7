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
