package io.masthead.platform.web;

import io.masthead.platform.validation.Violations;

/**
 * Cursor pagination parameters: {@code limit} (1..100, default 10) and {@code starting_after}, the id of
 * the last object of the previous page. Ids are time-ordered, so the cursor is simply that id.
 */
public record PageRequest(int limit, String startingAfter) {

    public static final int DEFAULT_LIMIT = 10;
    public static final int MAX_LIMIT = 100;

    /** Parses and validates raw query values; bad values become a 422 naming the parameter. */
    public static PageRequest of(String limit, String startingAfter) {
        Violations violations = new Violations();
        int parsed = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                parsed = Integer.parseInt(limit);
                if (parsed < 1 || parsed > MAX_LIMIT) {
                    violations.add("limit", "must be between 1 and " + MAX_LIMIT);
                }
            } catch (NumberFormatException e) {
                violations.add("limit", "must be a whole number");
            }
        }
        if (startingAfter != null && (startingAfter.isBlank() || startingAfter.length() > 64)) {
            violations.add("starting_after", "must be the id of an object from the previous page");
        }
        violations.throwIfAny();
        return new PageRequest(parsed, startingAfter);
    }

    /** How many rows to fetch: one more than the page, to learn whether there is a next page. */
    public int fetchSize() {
        return limit + 1;
    }
}
