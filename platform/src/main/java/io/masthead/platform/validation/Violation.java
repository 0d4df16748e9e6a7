package io.masthead.platform.validation;

/** One invalid input field: its JSON name (snake_case, dotted for nested fields) and what is wrong. */
public record Violation(String field, String message) {
}
