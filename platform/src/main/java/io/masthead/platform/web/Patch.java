package io.masthead.platform.web;

import io.masthead.platform.validation.Violations;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A JSON merge patch (RFC 7396) on a flat resource, or a create body read the same way: a field absent is left
 * alone, a field set to {@code null} is cleared, any other value replaces. Fields are read with strict types (no
 * number from a string, no integer from a fraction, no boolean from a number). Unknown fields and wrong types are
 * violations naming the field, collected before anything changes and thrown together by {@link #throwIfInvalid()}.
 */
public final class Patch {

    private final JsonNode body;
    private final Violations violations;

    private Patch(JsonNode body, Violations violations) {
        this.body = body;
        this.violations = violations;
    }

    /** Checks the body's shape and field names; throws a validation problem when any is wrong. */
    public static Patch of(JsonNode body, Set<String> allowedFields) {
        Violations violations = new Violations();
        if (body == null || !body.isObject()) {
            violations.add("body", "must be a JSON object");
            violations.throwIfAny();
        }
        for (String name : body.propertyNames()) {
            if (!allowedFields.contains(name)) {
                violations.add(name, "is not a known field");
            }
        }
        violations.throwIfAny();
        return new Patch(body, violations);
    }

    public boolean has(String field) {
        return body.has(field);
    }

    /** The field's value, or null when it is absent or null. */
    private JsonNode present(String field) {
        JsonNode node = body.get(field);
        return node == null || node.isNull() ? null : node;
    }

    /** The new text of a present field (null when cleared); a non-string value is a violation. */
    public String text(String field) {
        return scalar(field, JsonNode::isString, "must be a string or null", JsonNode::asString);
    }

    /** The new map of a present string-to-string object field (empty when cleared). */
    public Map<String, String> stringMap(String field) {
        JsonNode node = present(field);
        Map<String, String> map = new LinkedHashMap<>();
        if (node == null) {
            return map;
        }
        if (!node.isObject()) {
            violations.add(field, "must be an object of strings");
            return map;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (entry.getValue().isString()) {
                map.put(entry.getKey(), entry.getValue().asString());
            } else {
                violations.add(field + "." + entry.getKey(), "must be a string");
            }
        }
        return map;
    }

    /** A boolean, or null when absent or null; any other value (a string, a number) is a violation. */
    public Boolean flag(String field) {
        return scalar(field, JsonNode::isBoolean, "must be true or false", JsonNode::booleanValue);
    }

    /**
     * A whole number that fits a long, or null when absent or null; a fraction, a number in a string or one out of
     * range is a violation.
     */
    public Long whole(String field) {
        return scalar(field, node -> node.isIntegralNumber() && node.canConvertToLong(), "must be a whole number",
                JsonNode::longValue);
    }

    /** A whole number that fits an int, or null when absent or null; see {@link #whole}. */
    public Integer integer(String field) {
        return scalar(field, node -> node.isIntegralNumber() && node.canConvertToInt(), "must be a whole number",
                JsonNode::intValue);
    }

    /** A present value of the right type read by {@code value}; null when absent or null, or (named) of another. */
    private <T> T scalar(String field, Predicate<JsonNode> rightType, String message, Function<JsonNode, T> value) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (!rightType.test(node)) {
            violations.add(field, message);
            return null;
        }
        return value.apply(node);
    }

    /** A list of strings (empty when absent or null); each item that is not a string is named by its index. */
    public List<String> strings(String field) {
        JsonNode node = present(field);
        List<String> list = new ArrayList<>();
        if (node == null) {
            return list;
        }
        if (!node.isArray()) {
            violations.add(field, "must be an array of strings");
            return list;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (item.isString()) {
                list.add(item.asString());
            } else {
                violations.add(field + "." + i, "must be a string");
            }
        }
        return list;
    }

    /** An ISO-8601 UTC time, or null when absent or null; anything else is a violation. */
    public Instant instant(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return null;
        }
        if (node.isString()) {
            try {
                return Instant.parse(node.asString());
            } catch (DateTimeParseException e) {
                // named below
            }
        }
        violations.add(field, "must be an ISO-8601 UTC time or null");
        return null;
    }

    /**
     * Names each of {@code fields} that is present with {@code null} ("cannot be null"): a field a merge patch can set
     * but not clear (a flag, a count), reported with the wrong types.
     */
    public void rejectNull(String... fields) {
        for (String field : fields) {
            JsonNode node = body.get(field);
            if (node != null && node.isNull()) {
                violations.add(field, "cannot be null");
            }
        }
    }

    /** The violations a caller's own check found (e.g. of a map read here), reported with the wrong types. */
    public void rejectAll(java.util.List<io.masthead.platform.validation.Violation> found) {
        found.forEach(violation -> violations.add(violation.field(), violation.message()));
    }

    /** Names {@code field} as a violation of the body (a rule the caller checks), reported with the wrong types. */
    public void reject(String field, String message) {
        violations.add(field, message);
    }

    /** Throws when reading the fields found wrong types. */
    public void throwIfInvalid() {
        violations.throwIfAny();
    }
}
