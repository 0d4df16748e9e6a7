package io.masthead.platform.outbox;

import io.masthead.platform.kafka.SchemaRegistry;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * The registry id (content id, as in the Confluent wire format) of each outbox row's writer schema: the text stored
 * in {@code outbox_schemas} under the row's fingerprint, registered find-or-create under its record name. Ids are
 * kept for the relay's life (a content id never changes). Rows from before fingerprints name only their schema: their
 * writer schema is this service's generated class of that name, as the relay assumed then.
 */
final class WriterSchemaIds {

    /** An id, or the reason a row's schema has none (the registry refused it, no schema is stored). */
    record Resolution(Integer id, String error) {
    }

    private final SchemaRegistry registry;
    private final Map<String, Integer> byFingerprint = new ConcurrentHashMap<>();
    private final Map<String, Integer> byGeneratedClass = new ConcurrentHashMap<>();

    WriterSchemaIds(SchemaRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param fingerprints the rows' fingerprints (hex; null for a row from before fingerprints, named by schema name)
     * @return per fingerprint (or {@code "name:" + schema name}), its id or why there is none
     * @throws SchemaRegistry.Unavailable when the registry cannot be reached: nothing can be said about the rows
     */
    Map<String, Resolution> resolve(Connection conn, Set<String> fingerprints, Set<String> legacyNames)
            throws SQLException, SchemaRegistry.Unavailable {
        Map<String, Resolution> result = new HashMap<>();
        Set<String> unknown = new LinkedHashSet<>();
        for (String fingerprint : fingerprints) {
            Integer id = byFingerprint.get(fingerprint);
            if (id != null) {
                result.put(fingerprint, new Resolution(id, null));
            } else {
                unknown.add(fingerprint);
            }
        }
        if (!unknown.isEmpty()) {
            Map<String, String[]> stored = new HashMap<>();
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT fingerprint, schema_name, schema_text FROM outbox_schemas"
                            + " WHERE fingerprint IN (SELECT decode(h, 'hex') FROM unnest(?) AS h)")) {
                Array array = conn.createArrayOf("text", unknown.toArray());
                ps.setArray(1, array);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.put(HexFormat.of().formatHex(rs.getBytes(1)), new String[] {rs.getString(2), rs.getString(3)});
                    }
                }
            }
            for (String fingerprint : unknown) {
                String[] schema = stored.get(fingerprint);
                if (schema == null) {
                    result.put(fingerprint, new Resolution(null, "no writer schema stored for fingerprint " + fingerprint));
                    continue;
                }
                try {
                    int id = Math.toIntExact(registry.findOrCreate(schema[0], schema[1]));
                    byFingerprint.put(fingerprint, id);
                    result.put(fingerprint, new Resolution(id, null));
                } catch (SchemaRegistry.Refused e) {
                    result.put(fingerprint, new Resolution(null, e.getMessage()));
                }
            }
        }
        for (String name : legacyNames) {
            Integer id = byGeneratedClass.get(name);
            if (id == null) {
                Schema schema = generatedSchema(name);
                if (schema == null) {
                    result.put("name:" + name, new Resolution(null, "no fingerprint and no generated class for " + name));
                    continue;
                }
                try {
                    id = Math.toIntExact(registry.findOrCreate(name, schema.toString()));
                    byGeneratedClass.put(name, id);
                } catch (SchemaRegistry.Refused e) {
                    result.put("name:" + name, new Resolution(null, e.getMessage()));
                    continue;
                }
            }
            result.put("name:" + name, new Resolution(id, null));
        }
        return result;
    }

    private static Schema generatedSchema(String fullName) {
        int dot = fullName.lastIndexOf('.');
        Class<?> type = SpecificData.get().getClass(Schema.createRecord(dot < 0 ? fullName : fullName.substring(dot + 1),
                null, dot < 0 ? null : fullName.substring(0, dot), false));
        return type == null ? null : SpecificData.get().getSchema(type);
    }
}
