package io.masthead.webhook.event.infrastructure;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook JSON of an event: {@code {"id", "type", "created", "site_id", "data": {"object": {...}}}}.
 * {@code data.object} is the event's snapshot record (its field named after the resource: {@code customer},
 * {@code address}, ...) with {@code "object": "<resource>"} after its id; other fields of the event beside the
 * header (such as {@code changed_fields}) go into {@code data} next to it. Field names are the schema's;
 * timestamps are ISO-8601 UTC strings; map keys are sorted, so the same event always gives the same bytes.
 */
public final class EventPayloads {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String HEADER_FIELD = "header";
    /** Resolves unions of logical-type values too (a nullable timestamp holds an Instant, not a long). */
    private static final GenericData MODEL = new GenericData();

    static {
        MODEL.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        MODEL.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMicrosConversion());
        MODEL.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.DateConversion());
        MODEL.addLogicalTypeConversion(new org.apache.avro.Conversions.DecimalConversion());
    }

    private EventPayloads() {
    }

    public static String payload(String eventId, String type, Instant created, String siteId, IndexedRecord event) {
        Map<String, Object> data = new LinkedHashMap<>();
        Map<String, Object> rest = new LinkedHashMap<>();
        for (Schema.Field field : event.getSchema().getFields()) {
            if (field.name().equals(HEADER_FIELD)) {
                continue;
            }
            Object value = event.get(field.pos());
            if (!data.containsKey("object") && value instanceof IndexedRecord snapshot) {
                data.put("object", object(field.name(), snapshot));
            } else {
                rest.put(field.name(), json(value, field.schema()));
            }
        }
        data.putAll(rest);
        return envelope(eventId, type, created, siteId, data);
    }

    /** The envelope around any {@code data}. */
    public static String envelope(String eventId, String type, Instant created, String siteId,
            Map<String, Object> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", eventId);
        body.put("type", type);
        body.put("created", created.toString());
        body.put("site_id", siteId);
        body.put("data", data);
        return JSON.writeValueAsString(body);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String resource, IndexedRecord snapshot) {
        Map<String, Object> fields = (Map<String, Object>) json(snapshot, snapshot.getSchema());
        Map<String, Object> object = new LinkedHashMap<>();
        if (fields.containsKey("id")) {
            object.put("id", fields.remove("id"));
        }
        object.put("object", resource);
        object.putAll(fields);
        return object;
    }

    static Object json(Object value, Schema schema) {
        if (value == null) {
            return null;
        }
        LogicalType logical = schema.getLogicalType();
        return switch (schema.getType()) {
            case UNION -> json(value, schema.getTypes().get(MODEL.resolveUnion(schema, value)));
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                Map<String, Object> map = new LinkedHashMap<>();
                for (Schema.Field field : record.getSchema().getFields()) {
                    map.put(field.name(), json(record.get(field.pos()), field.schema()));
                }
                yield map;
            }
            case MAP -> {
                Map<String, Object> map = new TreeMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> map.put(k.toString(), json(v, schema.getValueType())));
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (Object item : (Iterable<?>) value) {
                    list.add(json(item, schema.getElementType()));
                }
                yield list;
            }
            case STRING, ENUM -> value.toString();
            case LONG -> {
                if (value instanceof Instant instant) {
                    yield instant.toString();
                }
                if (logical != null && logical.getName().equals("timestamp-millis")) {
                    yield Instant.ofEpochMilli((Long) value).toString();
                }
                if (logical != null && logical.getName().equals("timestamp-micros")) {
                    long micros = (Long) value;
                    yield Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                            Math.floorMod(micros, 1_000_000L) * 1000).toString();
                }
                yield value;
            }
            case INT -> {
                if (value instanceof LocalDate date) {
                    yield date.toString();
                }
                if (logical != null && logical.getName().equals("date")) {
                    yield LocalDate.ofEpochDay((Integer) value).toString();
                }
                yield value;
            }
            case BYTES, FIXED -> {
                if (value instanceof java.math.BigDecimal decimal) {
                    yield decimal.toPlainString();
                }
                byte[] bytes = value instanceof ByteBuffer buffer ? bytes(buffer)
                        : ((GenericData.Fixed) value).bytes();
                yield Base64.getEncoder().encodeToString(bytes);
            }
            default -> value; // BOOLEAN, FLOAT, DOUBLE, NULL
        };
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
