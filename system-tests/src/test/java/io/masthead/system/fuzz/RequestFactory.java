package io.masthead.system.fuzz;

import io.masthead.system.fuzz.ApiCatalogue.Operation;
import io.masthead.system.fuzz.ApiCatalogue.Parameter;
import io.masthead.system.fuzz.Values.Labelled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Generates the requests of one case from an operation and a seeded random source: the same seed gives the same
 * request (with the same roles for ids: the fuzz site's own objects, the other site's, unknown, hostile).
 */
final class RequestFactory {

    private static final List<String> ALL_METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final ApiCatalogue catalogue;
    private final Fixture fixture;
    private boolean full;

    RequestFactory(ApiCatalogue catalogue, Fixture fixture) {
        this.catalogue = catalogue;
        this.fixture = fixture;
    }

    FuzzRequest generate(Operation op, SplittableRandom random) {
        Values v = new Values(random);
        List<String> labels = new ArrayList<>();

        // method: mostly the declared one; sometimes one the path does not declare
        String method = op.method();
        boolean declared = true;
        if (v.chance(0.08)) {
            List<String> undeclared = ALL_METHODS.stream().filter(m -> !declares(op.path(), m)).toList();
            if (!undeclared.isEmpty()) {
                method = v.oneOf(undeclared);
                declared = false;
                labels.add("method:" + method);
            }
        }

        // path parameters
        String path = op.path();
        String foreignId = null;
        boolean oddPath = false;
        for (Parameter p : op.in("path")) {
            PathValue value = pathValue(op, v);
            labels.add("path." + p.name() + ":" + value.label());
            path = path.replace("{" + p.name() + "}", value.encoded());
            if (value.label().equals("foreign")) {
                foreignId = value.encoded();
            }
            oddPath |= value.label().startsWith("hostile") || value.label().startsWith("traversal");
        }

        // query parameters
        List<String> query = new ArrayList<>();
        for (Parameter p : op.in("query")) {
            if (v.chance(0.55)) {
                Labelled value = queryValue(op, p, v);
                labels.add("query." + p.name() + ":" + value.label());
                String encoded = encode(String.valueOf(value.value()));
                query.add(encode(p.name()) + "=" + encoded);
                if (v.chance(0.05)) {
                    query.add(encode(p.name()) + "=" + encode(v.alnum(3)));
                    labels.add("query." + p.name() + ":repeated");
                }
            }
        }
        if (v.chance(0.08)) {
            Labelled junk = v.string();
            query.add(encode(v.oneOf("unknown", "limit[]", "expand", "site_id", "%", "")) + "="
                    + encode(String.valueOf(junk.value())));
            labels.add("query.extra:" + junk.label());
        }
        if (v.chance(0.03)) {
            query.add(v.oneOf("%", "%zz", "%00=1", "a=%ff%fe", "&&&", "=", "limit=%c0%ae"));
            labels.add("query:malformed-encoding");
            oddPath = true; // a request line that may be refused before the key is read
        }

        // headers
        Map<String, String> headers = new LinkedHashMap<>();
        boolean validAuth = true;
        if (v.chance(0.07)) {
            validAuth = false;
            String auth = v.oneOf("none", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer sk_test_" + v.alnum(32),
                    "Bearer sk_live_" + v.alnum(32), "Bearer pk_test_" + v.alnum(24), "Bearer " + fixture.ownKey()
                            + "x", "Bearer " + fixture.ownKey().substring(0, fixture.ownKey().length() - 1),
                    "Bearer " + fixture.ownKey() + " " + fixture.ownKey(), "Bearer " + "k".repeat(6_000),
                    "Token " + fixture.ownKey(), "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
            labels.add("auth:" + (auth.contains(fixture.ownKey()) ? "mangled-own-key" : auth.length() > 60
                    ? auth.substring(0, 20) + "..." : auth));
            if (!auth.equals("none")) {
                headers.put("Authorization", auth);
            }
        } else {
            headers.put("Authorization", "Bearer " + fixture.keyFor(op));
        }

        // body
        byte[] body = null;
        boolean takesBody = op.bodySchema() != null;
        if (takesBody || v.chance(0.1)) {
            Labelled generated = body(op, v);
            labels.add("body:" + generated.label());
            body = generated.value() == null ? null : (byte[]) generated.value();
        }
        if (body != null || takesBody) {
            if (v.chance(0.12)) {
                String type = v.oneOf("none", "text/plain", "application/xml", "application/x-www-form-urlencoded",
                        "multipart/form-data", "application/json; charset=ISO-8859-1", "application/json; charset=UTF-16",
                        "application/problem+json", "*/*", "garbage", "application/merge-patch+json",
                        "application/json;;;", "text/json");
                labels.add("content-type:" + type);
                if (!type.equals("none")) {
                    headers.put("Content-Type", type);
                }
            } else {
                headers.put("Content-Type", "application/json");
            }
        }
        if (v.chance(0.05)) {
            String accept = v.oneOf("text/html", "application/xml", "text/csv", "image/png", "application/json;q=0",
                    "*/*;q=0.1, text/plain");
            headers.put("Accept", accept);
            labels.add("accept:" + accept);
        }
        if (method.equals("POST") && v.chance(0.2)) {
            String key = v.oneOf(UUID.randomUUID().toString(), "", " ", "k".repeat(v.oneOf(256, 300, 5_000)),
                    "caf\u00e9-" + v.alnum(8), v.alnum(12));
            headers.put("Idempotency-Key", key);
            labels.add("idempotency-key:" + (key.length() > 40 ? key.length() + "-chars" : "'" + key + "'"));
        }
        if (v.chance(0.04)) {
            headers.put(v.oneOf("X-Site-Id", "X-Forwarded-For", "X-Forwarded-Host", "X-Masthead-Site", "X-Request-Id"),
                    v.oneOf(fixture.foreignSiteId(), "127.0.0.1", "evil.example", "x".repeat(4_000)));
            labels.add("header:spoofed");
        }
        return new FuzzRequest(op, method, path, String.join("&", query), headers, body, List.copyOf(labels),
                validAuth, declared, oddPath, foreignId);
    }

    /**
     * A well-formed request of {@code op} with {@code id} in every path parameter, a plausible body (every property
     * the schema has when {@code full}, else some), no query.
     */
    FuzzRequest wellFormed(Operation op, String id, SplittableRandom random, boolean full) {
        Values v = new Values(random);
        this.full = full;
        String path = op.path();
        for (Parameter p : op.in("path")) {
            path = path.replace("{" + p.name() + "}", id);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + fixture.keyFor(op));
        byte[] body = null;
        if (op.bodySchema() != null) {
            headers.put("Content-Type", "application/json");
            body = Json.write(valid(bodySchema(op), op.document(), v, "body", 0));
        }
        this.full = false;
        return new FuzzRequest(op, op.method(), path, "", headers, body, List.of("well-formed"), true, true, false,
                id);
    }

    private boolean declares(String path, String method) {
        return catalogue.operations().stream().anyMatch(o -> o.path().equals(path) && o.method().equals(method));
    }

    record PathValue(String label, String encoded) {
    }

    private PathValue pathValue(Operation op, Values v) {
        List<String> own = fixture.ownIn(op.collection()).stream()
                .filter(id -> !fixture.protectedIds().contains(id)).toList();
        List<String> foreign = fixture.foreignIn(op.collection());
        int roll = v.between(0, 99);
        if (roll < 30 && !own.isEmpty()) {
            return new PathValue("own", v.oneOf(own));
        }
        if (roll < 50 && !foreign.isEmpty()) {
            return new PathValue("foreign", v.oneOf(foreign));
        }
        if (roll < 62) {
            String like = !own.isEmpty() ? v.oneOf(own) : !foreign.isEmpty() ? v.oneOf(foreign) : "obj_0000000000";
            String prefix = like.contains("_") ? like.substring(0, like.lastIndexOf('_') + 1) : "";
            return new PathValue("unknown", prefix + v.alnum(Math.max(4, like.length() - prefix.length())));
        }
        if (roll < 72) {
            return new PathValue("traversal", v.oneOf("..", "..%2F..", "..%2f..%2factuator", "%2e%2e", "%2e%2e%2f",
                    "..%5c..", "%2F", ".", "%252e%252e", "..;", "x%2F..%2F..%2Fv1%2Fapi_keys", "%00", "%0d%0aX: 1",
                    "actuator%2Fgateway%2Froutes"));
        }
        if (roll < 76) {
            return new PathValue("hostile:long", v.alnum(v.oneOf(300, 4_000, 9_000)));
        }
        Labelled s = v.string();
        String raw = s.value() instanceof Json.Escaped e ? e.value() : String.valueOf(s.value());
        if (raw.length() > 2_000) {
            raw = raw.substring(0, 2_000);
        }
        String encoded = encode(raw);
        return new PathValue("hostile:" + s.label(), encoded.isEmpty() ? "%20" : encoded);
    }

    private Labelled queryValue(Operation op, Parameter p, Values v) {
        String name = p.name();
        String collection = op.collection() != null ? op.collection() : op.path();
        if (v.chance(0.5)) { // a plausible value
            if (name.equals("limit")) {
                return new Labelled("valid", v.between(1, 100));
            }
            if (name.equals("starting_after")) {
                List<String> ids = fixture.ownIn(collection);
                if (!ids.isEmpty()) {
                    return new Labelled("own", v.oneOf(ids));
                }
            }
            String refers = fixture.collectionOfField(name);
            if (refers != null) {
                boolean foreign = v.chance(0.5) && !fixture.foreignIn(refers).isEmpty();
                List<String> ids = foreign ? fixture.foreignIn(refers) : fixture.ownIn(refers);
                if (!ids.isEmpty()) {
                    return new Labelled(foreign ? "foreign" : "own", v.oneOf(ids));
                }
            }
            if (p.schema().has("enum")) {
                List<String> values = new ArrayList<>();
                p.schema().get("enum").forEach(e -> values.add(e.asString()));
                return new Labelled("enum", v.oneOf(values));
            }
            return new Labelled("plain", v.oneOf(v.alnum(v.between(1, 12)), "pending", "succeeded", "failed",
                    "enabled", "disabled", "customer.created", "fuzz@example.com"));
        }
        if (v.chance(0.35)) {
            return new Labelled("number-text", v.oneOf("-1", "0", "101", "1000000", "99999999999999999999", "1e3",
                    "1.5", "0x10", " 10", "10 ", "+5", "NaN", "", "null", "true", "[]"));
        }
        Labelled s = v.chance(0.8) ? v.string() : v.number();
        Object value = s.value() instanceof Json.Escaped e ? e.value() : s.value();
        String text = value instanceof Json.Raw raw ? raw.text() : String.valueOf(value);
        return new Labelled(s.label(), text.length() > 12_000 ? text.substring(0, 12_000) : text);
    }

    /** A body: valid, mutated, of the wrong type, malformed, deep, huge, empty (value: the bytes, or null). */
    private Labelled body(Operation op, Values v) {
        JsonNode schema = bodySchema(op);
        int roll = v.between(0, 99);
        if (roll < 14) {
            return bytes("valid", valid(schema, op.document(), v, "body", 0));
        }
        if (roll < 52) {
            Object base = valid(schema, op.document(), v, "body", 0);
            if (base instanceof Map<?, ?> map && !map.isEmpty()) {
                @SuppressWarnings("unchecked")
                Map<Object, Object> m = (Map<Object, Object>) map;
                List<Object> keys = new ArrayList<>(m.keySet());
                int n = v.between(1, Math.min(3, keys.size()));
                List<String> what = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Object key = v.oneOf(keys);
                    Labelled bad = v.chance(0.6) ? v.string() : v.anyValue();
                    m.put(key, bad.value());
                    what.add(key + "=" + bad.label());
                }
                return bytes("mutated(" + String.join(";", what) + ")", m);
            }
            Labelled bad = v.anyValue();
            return bytes("value:" + bad.label(), bad.value());
        }
        if (roll < 58) {
            Object base = valid(schema, op.document(), v, "body", 0);
            Map<Object, Object> m = base instanceof Map<?, ?> map ? new LinkedHashMap<>(map) : new LinkedHashMap<>();
            Labelled key = v.string();
            m.put(v.chance(0.5) ? "unknown_" + v.alnum(4) : String.valueOf(key.value()), v.anyValue().value());
            return bytes("unknown-field", m);
        }
        if (roll < 64) {
            Object base = valid(schema, op.document(), v, "body", 0);
            if (base instanceof Map<?, ?> map && !map.isEmpty()) {
                @SuppressWarnings("unchecked")
                Map<Object, Object> m = (Map<Object, Object>) map;
                Object key = v.oneOf(new ArrayList<>(m.keySet()));
                Labelled nested = v.chance(0.5) ? v.deep() : v.hostileObject();
                m.put(key, nested.value());
                return bytes("field-" + key + ":" + nested.label(), m);
            }
        }
        if (roll < 70) {
            Labelled top = v.oneOf(new Labelled("top:array", List.of()), new Labelled("top:string", "x"),
                    new Labelled("top:number", 1), new Labelled("top:null", null), new Labelled("top:true", true),
                    new Labelled("top:array-of-valid", List.of(valid(schema, op.document(), v, "body", 0))));
            return bytes(top.label(), top.value());
        }
        if (roll < 84) {
            return malformed(op, schema, v);
        }
        if (roll < 89) {
            Labelled deep = v.deep();
            return bytes(deep.label(), deep.value());
        }
        if (roll < 92) {
            Labelled many = v.hostileObject();
            return bytes(many.label(), many.value());
        }
        if (roll < 96) {
            return new Labelled("empty", v.chance(0.5) ? null : new byte[0]);
        }
        int size = v.oneOf(1_100_000, 1_500_000, 3_000_000);
        Map<Object, Object> huge = new LinkedHashMap<>();
        Object base = valid(schema, op.document(), v, "body", 0);
        if (base instanceof Map<?, ?> map) {
            map.forEach(huge::put);
        }
        huge.put(huge.isEmpty() ? "padding" : huge.keySet().iterator().next(), "p".repeat(size));
        return bytes("huge-" + size, huge);
    }

    private Labelled malformed(Operation op, JsonNode schema, Values v) {
        String valid = new String(Json.write(valid(schema, op.document(), v, "body", 0)), StandardCharsets.UTF_8);
        return switch (v.between(0, 13)) {
            case 0 -> text("malformed:truncated", valid.substring(0, Math.max(1, valid.length() / 2)));
            case 1 -> text("malformed:trailing-garbage", valid + v.oneOf("x", "}", "]", ",", "{}", " // c"));
            case 2 -> text("malformed:single-quotes", valid.replace('"', '\''));
            case 3 -> text("malformed:comment", "/* c */" + valid);
            case 4 -> text("malformed:duplicate-keys", valid.length() > 2 && valid.startsWith("{\"")
                    ? "{" + valid.substring(1, valid.length() - 1) + "," + valid.substring(1) : "{\"a\":1,\"a\":2}");
            case 5 -> text("malformed:unbalanced", v.oneOf("{", "[", "{\"a\":", "{\"a\"", "{]", "[}", "{{}}", "\""));
            case 6 -> new Labelled("malformed:invalid-utf8", concat(valid.substring(0, Math.min(8, valid.length())),
                    new byte[] {(byte) 0xc3, (byte) 0x28, (byte) 0xff, (byte) 0xfe}, valid.substring(Math.min(8,
                            valid.length()))));
            case 7 -> new Labelled("malformed:bom", concat("", new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, valid));
            case 8 -> text("malformed:raw-control-in-string", "{\"" + firstField(schema) + "\":\"a\u0000\u0001b\"}");
            case 9 -> text("malformed:nan", "{\"" + firstField(schema) + "\":" + v.oneOf("NaN", "Infinity", "-Infinity",
                    "undefined", "01", ".5", "1.", "0x1") + "}");
            case 10 -> new Labelled("malformed:utf16", valid.getBytes(StandardCharsets.UTF_16));
            case 11 -> text("malformed:form", "email=a%40b.example&name=x");
            case 12 -> text("malformed:xml", "<customer><email>a@b.example</email></customer>");
            default -> text("malformed:whitespace", v.oneOf(" ", "\n", "\t\t", "\u00a0"));
        };
    }

    private static String firstField(JsonNode schema) {
        Iterator<String> names = schema.path("properties").propertyNames().iterator();
        return names.hasNext() ? snake(names.next()) : "name";
    }

    private static Labelled text(String label, String text) {
        return new Labelled(label, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Labelled bytes(String label, Object json) {
        return new Labelled(label, Json.write(json));
    }

    private static byte[] concat(String a, byte[] b, String c) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] z = c.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[x.length + b.length + z.length];
        System.arraycopy(x, 0, all, 0, x.length);
        System.arraycopy(b, 0, all, x.length, b.length);
        System.arraycopy(z, 0, all, x.length + b.length, z.length);
        return all;
    }

    /**
     * The schema of the operation's body; where the document gives none that says anything (a free-form JSON
     * node, as PATCH bodies are today), the schema of the POST that creates objects of the same collection.
     */
    private JsonNode bodySchema(Operation op) {
        JsonNode schema = op.bodySchema() == null ? ApiCatalogue.JSON.createObjectNode() : op.bodySchema();
        boolean informative = schema.path("properties").size() > 0 && !schema.path("properties").has("nodeType");
        if (informative || op.collection() == null) {
            return schema;
        }
        String segment = op.collection().substring(op.collection().lastIndexOf('/'));
        return catalogue.operations().stream()
                .filter(o -> o.method().equals("POST") && o.bodySchema() != null
                        && (o.path().equals(op.collection()) || o.path().endsWith(segment)))
                .map(Operation::bodySchema).findFirst().orElse(ApiCatalogue.JSON.createObjectNode());
    }

    /** A value the schema allows, with plausible values chosen by field name (emails, URLs, countries, ids...). */
    private Object valid(JsonNode schemaNode, JsonNode document, Values v, String name, int depth) {
        JsonNode schema = ApiCatalogue.resolve(document, schemaNode);
        if (schema.has("enum")) {
            List<JsonNode> values = new ArrayList<>();
            schema.get("enum").forEach(values::add);
            return values.isEmpty() ? null : v.oneOf(values).asString();
        }
        String type = schema.path("type").asString("");
        if (type.isEmpty() && schema.has("properties")) {
            type = "object";
        }
        switch (type) {
            case "object" -> {
                Map<Object, Object> object = new LinkedHashMap<>();
                if (depth > 4) {
                    return object;
                }
                List<String> required = new ArrayList<>();
                schema.path("required").forEach(r -> required.add(r.asString()));
                for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
                    if (full || required.contains(property.getKey()) || v.chance(0.6)) {
                        String field = snake(property.getKey());
                        object.put(field, valid(property.getValue(), document, v, field, depth + 1));
                    }
                }
                if (object.isEmpty() && schema.has("additionalProperties")) {
                    object.put(v.alnum(5), v.alnum(6));
                }
                return object;
            }
            case "array" -> {
                List<Object> list = new ArrayList<>();
                int n = v.between(1, 2);
                for (int i = 0; i < n; i++) {
                    list.add(name.contains("event") ? v.oneOf("customer.created", "customer.*", "*")
                            : valid(schema.path("items"), document, v, name, depth + 1));
                }
                return list;
            }
            case "integer" -> {
                return name.contains("second") ? v.between(0, 3_600) : v.between(0, 50);
            }
            case "number" -> {
                return v.between(0, 50);
            }
            case "boolean" -> {
                return v.chance(0.5);
            }
            default -> {
                return plausibleString(name, schema.path("format").asString(""), v);
            }
        }
    }

    private String plausibleString(String name, String format, Values v) {
        String n = name.toLowerCase(Locale.ROOT);
        String refers = fixture.collectionOfField(n);
        if (refers != null && !fixture.ownIn(refers).isEmpty()) {
            return v.oneOf(fixture.ownIn(refers));
        }
        if (format.equals("date-time") || n.equals("since") || n.endsWith("_at")) {
            return Instant.now().minus(v.between(0, 48), ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        }
        if (n.contains("email")) {
            return "fuzz-" + v.alnum(8) + "@example.com";
        }
        if (n.equals("url") || n.contains("website")) {
            return n.equals("url") ? fixture.receiverUrl() : "https://" + v.alnum(6) + ".example";
        }
        if (n.contains("country")) {
            return v.oneOf("US", "CA", "FR");
        }
        if (n.equals("state")) {
            return v.oneOf("NY", "QC", "");
        }
        if (n.contains("phone")) {
            return "+1-514-555-" + v.between(1000, 9999);
        }
        if (n.equals("type")) {
            return v.oneOf("billing", "shipping");
        }
        if (n.contains("postal")) {
            return "H3H1H1";
        }
        return "fuzz " + v.alnum(v.between(1, 12));
    }

    /** snake_case, the API's naming, for names a document may give in camelCase. */
    static String snake(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** Percent-encodes every byte but unreserved ASCII; a lone surrogate becomes its (invalid) 3-byte form. */
    static String encode(String value) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '~')) {
                s.append(c);
                continue;
            }
            byte[] bytes;
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes = value.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes = new byte[] {(byte) (0xe0 | (c >> 12)), (byte) (0x80 | ((c >> 6) & 0x3f)),
                        (byte) (0x80 | (c & 0x3f))};
            } else {
                bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            }
            for (byte b : bytes) {
                s.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return s.toString();
    }
}
