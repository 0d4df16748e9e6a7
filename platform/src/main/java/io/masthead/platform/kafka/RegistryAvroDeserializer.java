package io.masthead.platform.kafka;

import io.masthead.platform.consumer.PoisonRecordException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes the Confluent wire format (magic byte 0, 4-byte content id, Avro binary) through the registry, and says
 * which failures are for ever: the consumers' value deserializer (behind Spring's {@code ErrorHandlingDeserializer},
 * so a failure reaches the container's error handler with the record's coordinates).
 *
 * <ul>
 *   <li>{@link PoisonRecordException} (dead-lettered): not the wire format (too short, another magic byte); a
 *       content id the registry answers 404 for; a schema that does not parse; Avro bytes that do not decode with
 *       the schema they name, or leave bytes over.</li>
 *   <li>Anything else, above all the registry being unreachable or failing ({@link SerializationException} with
 *       the cause): retried with backoff, holding the partition.</li>
 * </ul>
 *
 * The writer schema is the one the record names (fetched once per id and kept); the reader is the generated class
 * of that record name when there is one ({@code apicurio.registry.use-specific-avro-reader=true}, as Apicurio's
 * deserializer did), else a generic record of the writer schema. Settings: {@code apicurio.registry.url} (the v3
 * API), {@code apicurio.registry.use-specific-avro-reader}, {@code masthead.registry.timeout} (default 5 s).
 */
public class RegistryAvroDeserializer implements Deserializer<Object> {

    private static final byte MAGIC_BYTE = 0;

    private SchemaRegistry registry;
    private boolean specific;
    private final Map<Long, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    public RegistryAvroDeserializer() {
    }

    /** For tests and tools: a deserializer on this registry. */
    public RegistryAvroDeserializer(String registryUrl, boolean specific) {
        this.registry = new SchemaRegistry(registryUrl, Duration.ofSeconds(5));
        this.specific = specific;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Object url = configs.get("apicurio.registry.url");
        if (url == null) {
            throw new IllegalArgumentException("apicurio.registry.url is not set");
        }
        Object timeout = configs.get("masthead.registry.timeout");
        registry = new SchemaRegistry(url.toString(),
                timeout == null ? Duration.ofSeconds(5) : Duration.parse("PT" + timeout.toString().toUpperCase()));
        Object useSpecific = configs.get("apicurio.registry.use-specific-avro-reader");
        specific = useSpecific == null || Boolean.parseBoolean(useSpecific.toString());
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < 5 || data[0] != MAGIC_BYTE) {
            throw new PoisonRecordException("not the Confluent wire format (" + data.length + " bytes, first byte "
                    + (data.length == 0 ? "none" : Integer.toString(data[0] & 0xff)) + ")");
        }
        long contentId = Integer.toUnsignedLong(ByteBuffer.wrap(data, 1, 4).getInt());
        DatumReader<Object> reader = reader(contentId);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, 5, data.length - 5, null);
        Object value;
        try {
            value = reader.read(null, decoder);
        } catch (Exception | StackOverflowError e) {
            throw new PoisonRecordException("the Avro bytes do not decode with schema content id " + contentId
                    + ": " + e, e);
        }
        try {
            if (!decoder.isEnd()) {
                throw new PoisonRecordException("the Avro bytes are longer than schema content id " + contentId
                        + " reads");
            }
        } catch (java.io.IOException e) {
            throw new PoisonRecordException("the Avro bytes do not decode with schema content id " + contentId, e);
        }
        return value;
    }

    private DatumReader<Object> reader(long contentId) {
        DatumReader<Object> known = readers.get(contentId);
        if (known != null) {
            return known;
        }
        String text;
        try {
            text = registry.schemaText(contentId);
        } catch (SchemaRegistry.Refused e) {
            throw new PoisonRecordException(e.getMessage(), e);
        } catch (SchemaRegistry.Unavailable e) {
            throw new SerializationException(e.getMessage(), e);
        }
        Schema writer;
        try {
            writer = new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new PoisonRecordException("schema content id " + contentId + " does not parse: " + e.getMessage(), e);
        }
        DatumReader<Object> reader = readerFor(writer);
        readers.put(contentId, reader);
        return reader;
    }

    private DatumReader<Object> readerFor(Schema writer) {
        if (specific && writer.getType() == Schema.Type.RECORD) {
            Class<?> type = SpecificData.get().getClass(writer);
            if (type != null) {
                return new SpecificDatumReader<>(writer, SpecificData.get().getSchema(type));
            }
        }
        return new GenericDatumReader<>(writer);
    }
}
