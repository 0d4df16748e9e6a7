package io.masthead.platform.web;

import io.masthead.platform.validation.Violations;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A JSON merge patch (RFC 7396) on a flat resource: a field absent is left alone, a field set to
 * {@code null} is cleared, any other value replaces. Unknown fields and wrong types are violations
 * naming the field, collected before anything changes.
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

    /** The new text of a present field (null when cleared); a non-string value is a violation. */
    public String text(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            violations.add(field, "must be a string or null");
            return null;
        }
        return node.asString();
    }

    /** The new map of a present string-to-string object field (empty when cleared). */
    public Map<String, String> stringMap(String field) {
        JsonNode node = body.get(field);
        Map<String, String> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
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

    /** Throws when reading the fields found wrong types. */
    public void throwIfInvalid() {
        violations.throwIfAny();
    }
}
