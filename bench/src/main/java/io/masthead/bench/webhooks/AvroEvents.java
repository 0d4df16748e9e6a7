package io.masthead.bench.webhooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code customer.created} values as customer-service's relay writes them — the Confluent wire format (magic
 * byte 0, the 4-byte schema id, Avro binary) — without the Avro library, which the bench does not carry: the
 * schema comes from the registry (or, on a fresh registry, is registered from {@code schemas/src/main/avro},
 * dereferenced, as the platform's serializer does) and a small encoder writes records, strings, longs,
 * booleans, maps and [null, x] unions by it.
 */
final class AvroEvents {

    static final String SUBJECT = "io.masthead.events.customer.CustomerCreated";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int schemaId;
    private final JsonNode schema;

    private AvroEvents(int schemaId, JsonNode schema) {
        this.schemaId = schemaId;
        this.schema = schema;
    }

    /** Finds (or registers) the schema through the registry's Confluent-compatible API. */
    static AvroEvents connect(String registryBase, Path repositoryRoot) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String ccompat = registryBase.replaceAll("/+$", "") + "/apis/ccompat/v7";
        HttpResponse<String> latest = http.send(HttpRequest.newBuilder(
                URI.create(ccompat + "/subjects/" + SUBJECT + "/versions/latest")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (latest.statusCode() == 200) {
            JsonNode node = JSON.readTree(latest.body());
            return new AvroEvents(node.get("id").asInt(), JSON.readTree(node.get("schema").asString()));
        }
        JsonNode dereferenced = dereferenced(repositoryRoot.resolve("schemas/src/main/avro"), SUBJECT);
        ObjectNode request = JSON.createObjectNode();
        request.put("schema", JSON.writeValueAsString(dereferenced));
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(
                        URI.create(ccompat + "/subjects/" + SUBJECT + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (registered.statusCode() != 200) {
            throw new IllegalStateException("registering " + SUBJECT + " failed: " + registered.statusCode() + " "
                    + registered.body());
        }
        return new AvroEvents(JSON.readTree(registered.body()).get("id").asInt(), dereferenced);
    }

    /** The value bytes of a customer.created event. */
    byte[] customerCreated(String eventId, String siteId, long occurredAtMillis, String customerId) {
        Map<String, Object> header = new HashMap<>();
        header.put("event_id", eventId);
        header.put("event_type", "customer.created");
        header.put("site_id", siteId);
        header.put("occurred_at", occurredAtMillis);
        header.put("producer", "bench");
        header.put("livemode", false);
        Map<String, Object> customer = new HashMap<>();
        customer.put("id", customerId);
        customer.put("email", customerId + "@bench.example.com");
        customer.put("first_name", "Bench");
        customer.put("last_name", "Customer");
        customer.put("metadata", Map.of("source", "bench"));
        customer.put("created_at", occurredAtMillis);
        customer.put("updated_at", occurredAtMillis);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        write(out, schema, Map.of("header", header, "customer", customer), new HashMap<>());
        return out.toByteArray();
    }

    // ------------------------------------------------------------------------------------------ encoding

    private static void write(ByteArrayOutputStream out, JsonNode type, Object value, Map<String, JsonNode> named) {
        if (type.isString()) {
            String name = type.asString();
            switch (name) {
                case "null" -> {
                }
                case "string" -> string(out, value == null ? "" : value.toString());
                case "long", "int" -> varLong(out, value == null ? 0 : ((Number) value).longValue());
                case "boolean" -> out.write(Boolean.TRUE.equals(value) ? 1 : 0);
                default -> {
                    JsonNode definition = named.get(name);
                    if (definition == null) {
                        throw new IllegalStateException("unsupported Avro type " + name);
                    }
                    write(out, definition, value, named);
                }
            }
            return;
        }
        if (type.isArray()) { // a union: [null, x] or [x, null]
            for (int i = 0; i < type.size(); i++) {
                boolean isNull = type.get(i).isString() && type.get(i).asString().equals("null");
                if ((value == null) == isNull) {
                    varLong(out, i);
                    write(out, type.get(i), value, named);
                    return;
                }
            }
            throw new IllegalStateException("no union branch for " + value);
        }
        String kind = type.get("type").asString();
        switch (kind) {
            case "record" -> {
                String fullName = type.has("namespace") && !type.get("name").asString().contains(".")
                        ? type.get("namespace").asString() + "." + type.get("name").asString()
                        : type.get("name").asString();
                named.put(fullName, type);
                named.put(type.get("name").asString(), type);
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = value == null ? Map.of() : (Map<String, Object>) value;
                for (JsonNode field : type.get("fields")) {
                    String name = field.get("name").asString();
                    Object fieldValue = fields.get(name);
                    if (fieldValue == null && field.has("default") && !field.get("default").isNull()
                            && !field.get("type").isArray()) {
                        fieldValue = field.get("default").isObject() ? Map.of() : null;
                    }
                    write(out, field.get("type"), fieldValue, named);
                }
            }
            case "map" -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = value == null ? Map.of() : (Map<String, Object>) value;
                if (!map.isEmpty()) {
                    varLong(out, map.size());
                    map.forEach((k, v) -> {
                        string(out, k);
                        write(out, type.get("values"), v, named);
                    });
                }
                varLong(out, 0);
            }
            case "array" -> {
                List<?> list = value == null ? List.of() : (List<?>) value;
                if (!list.isEmpty()) {
                    varLong(out, list.size());
                    list.forEach(item -> write(out, type.get("items"), item, named));
                }
                varLong(out, 0);
            }
            default -> write(out, type.get("type"), value, named); // a primitive with a logical type
        }
    }

    private static void string(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        varLong(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void varLong(ByteArrayOutputStream out, long value) {
        long n = (value << 1) ^ (value >> 63); // zig-zag
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }

    // ------------------------------------------------------------------------------------- dereferencing

    /** The schema of {@code fullName} with every named type it refers to defined inline (once). */
    static JsonNode dereferenced(Path avroDirectory, String fullName) throws IOException {
        Map<String, JsonNode> byName = new HashMap<>();
        try (Stream<Path> files = Files.walk(avroDirectory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).toList()) {
                JsonNode node = JSON.readTree(Files.readString(file));
                byName.put(node.get("namespace").asString() + "." + node.get("name").asString(), node);
            }
        }
        return inline(byName.get(fullName).deepCopy(), byName, new HashSet<>(Set.of(fullName)));
    }

    private static JsonNode inline(JsonNode node, Map<String, JsonNode> byName, Set<String> defined) {
        if (node.isString()) {
            String name = node.asString();
            if (byName.containsKey(name) && defined.add(name)) {
                return inline(byName.get(name).deepCopy(), byName, defined);
            }
            return node;
        }
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, inline(array.get(i), byName, defined));
            }
            return array;
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (String key : List.of("type", "items", "values")) {
                if (object.has(key) && !(key.equals("type") && object.get(key).isString()
                        && List.of("record", "map", "array", "enum", "fixed").contains(object.get(key).asString()))) {
                    object.set(key, inline(object.get(key), byName, defined));
                }
            }
            if (object.has("fields")) {
                for (Iterator<JsonNode> it = object.get("fields").iterator(); it.hasNext();) {
                    ObjectNode field = (ObjectNode) it.next();
                    field.set("type", inline(field.get("type"), byName, defined));
                }
            }
            return object;
        }
        return node;
    }
}
