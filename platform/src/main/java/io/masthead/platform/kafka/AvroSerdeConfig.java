package io.masthead.platform.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * Apicurio Registry serde settings that give the Confluent wire format (magic byte, 4-byte content id,
 * Avro binary), RecordNameStrategy-style subjects (several event types per topic) and dereferenced
 * schemas, so standard Kafka tools decode every topic through the registry's ccompat API.
 */
public final class AvroSerdeConfig {

    public static final String SERIALIZER = "io.apicurio.registry.serde.avro.AvroKafkaSerializer";
    public static final String DESERIALIZER = "io.apicurio.registry.serde.avro.AvroKafkaDeserializer";

    private AvroSerdeConfig() {
    }

    public static Map<String, Object> common(String registryUrl) {
        Map<String, Object> config = new HashMap<>();
        config.put("apicurio.registry.url", registryUrl);
        config.put("apicurio.registry.headers.enabled", "false");
        config.put("apicurio.registry.id-handler", "io.apicurio.registry.serde.Default4ByteIdHandler");
        config.put("apicurio.registry.use-id", "contentId");
        config.put("apicurio.registry.artifact-resolver-strategy",
                "io.apicurio.registry.serde.avro.strategy.QualifiedRecordIdStrategy");
        return config;
    }

    public static Map<String, Object> serializer(String registryUrl) {
        Map<String, Object> config = common(registryUrl);
        config.put("apicurio.registry.auto-register", "true");
        config.put("apicurio.registry.auto-register.if-exists", "FIND_OR_CREATE_VERSION");
        config.put("apicurio.registry.dereference-schema", "true");
        return config;
    }

    public static Map<String, Object> deserializer(String registryUrl, boolean specific) {
        Map<String, Object> config = common(registryUrl);
        config.put("apicurio.registry.use-specific-avro-reader", Boolean.toString(specific));
        return config;
    }
}
