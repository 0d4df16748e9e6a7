package io.masthead.webhook.endpoint.model;

import io.masthead.platform.validation.Violations;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The events an endpoint asked for: exact names ({@code customer.created}), every event of a resource
 * ({@code customer.*}) or everything ({@code *}). Patterns are checked against the catalogue of event types,
 * so a typo is refused instead of silently matching nothing.
 */
public final class EventSelection {

    public static final String ALL = "*";
    public static final int MAX_PATTERNS = 100;

    private EventSelection() {
    }

    /** Records what is wrong with {@code patterns} under {@code field}; returns them cleaned (distinct, in order). */
    public static List<String> validate(String field, List<String> patterns, Set<String> knownTypes,
            Violations violations) {
        if (patterns == null || patterns.isEmpty()) {
            violations.add(field, "must list at least one event type, a pattern such as 'customer.*', or '*'");
            return List.of();
        }
        if (patterns.size() > MAX_PATTERNS) {
            violations.add(field, "must have at most " + MAX_PATTERNS + " entries");
            return List.of();
        }
        Set<String> cleaned = new LinkedHashSet<>();
        for (int i = 0; i < patterns.size(); i++) {
            String pattern = patterns.get(i);
            String name = field + "[" + i + "]";
            if (pattern == null || pattern.isBlank()) {
                violations.add(name, "must not be empty");
            } else if (!isKnown(pattern.strip(), knownTypes)) {
                violations.add(name, "'" + pattern + "' is not a known event type or pattern");
            } else {
                cleaned.add(pattern.strip());
            }
        }
        return List.copyOf(cleaned);
    }

    static boolean isKnown(String pattern, Set<String> knownTypes) {
        if (pattern.equals(ALL)) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            String prefix = pattern.substring(0, pattern.length() - 1); // keeps the dot
            return prefix.length() > 1 && !prefix.substring(0, prefix.length() - 1).contains("*")
                    && knownTypes.stream().anyMatch(t -> t.startsWith(prefix));
        }
        return knownTypes.contains(pattern);
    }

    /** Whether an endpoint with {@code patterns} wants events of {@code type}. */
    public static boolean matches(List<String> patterns, String type) {
        return patterns.stream().anyMatch(p -> p.equals(ALL) || p.equals(type)
                || (p.endsWith(".*") && type.startsWith(p.substring(0, p.length() - 1))));
    }

    /**
     * Every pattern that matches {@code type}: the type itself, each dotted prefix with {@code .*}, and
     * {@code *}. An endpoint wants the event when its patterns share one with this list (an index lookup).
     */
    public static List<String> patternsMatching(String type) {
        List<String> result = new ArrayList<>();
        result.add(type);
        for (int dot = type.lastIndexOf('.'); dot > 0; dot = type.lastIndexOf('.', dot - 1)) {
            result.add(type.substring(0, dot) + ".*");
        }
        result.add(ALL);
        return result;
    }
}
