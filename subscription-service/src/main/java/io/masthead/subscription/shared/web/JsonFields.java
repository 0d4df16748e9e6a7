package io.masthead.subscription.shared.web;

import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.validation.Violation;
import io.masthead.platform.validation.Violations;
import io.masthead.platform.web.Patch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads a flat JSON object field by field with strict types (no number from a string, no integer from a
 * fraction, no boolean from a number), for create bodies and merge patches alike: {@link Patch} checks the field
 * names and reads text and maps; this adds booleans, whole numbers and lists of strings. Every wrong type is a
 * violation naming the field, all reported at once by {@link #throwIfInvalid()}.
 */
public final class JsonFields {

    private final JsonNode body;
    private final Patch patch;
    private final Violations violations = new Violations();

    private JsonFields(JsonNode body, Patch patch) {
        this.body = body;
        this.patch = patch;
    }

    /** Checks the body is an object of known fields only (422 naming each unknown one). */
    public static JsonFields of(JsonNode body, Set<String> allowedFields) {
        return new JsonFields(body, Patch.of(body, allowedFields));
    }

    public boolean has(String field) {
        return patch.has(field);
    }

    public String text(String field) {
        return patch.text(field);
    }

    public Map<String, String> stringMap(String field) {
        return patch.stringMap(field);
    }

    /** A boolean, or null when absent or null. */
    public Boolean flag(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            violations.add(field, "must be true or false");
            return null;
        }
        return node.booleanValue();
    }

    /** A whole number that fits a long, or null when absent or null. */
    public Long whole(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            violations.add(field, "must be a whole number");
            return null;
        }
        return node.longValue();
    }

    /** A whole number that fits an int, or null when absent or null. */
    public Integer integer(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            violations.add(field, "must be a whole number");
            return null;
        }
        return node.intValue();
    }

    /** A list of strings (empty when absent or null). */
    public List<String> strings(String field) {
        JsonNode node = body.get(field);
        List<String> list = new ArrayList<>();
        if (node == null || node.isNull()) {
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

    /** Throws one problem with every wrong type found while reading. */
    public void throwIfInvalid() {
        List<Violation> all = new ArrayList<>();
        try {
            patch.throwIfInvalid();
        } catch (ValidationException e) {
            all.addAll(e.violations());
        }
        all.addAll(violations.list());
        if (!all.isEmpty()) {
            throw new ValidationException(all);
        }
    }

}
