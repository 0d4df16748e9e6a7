package io.masthead.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.masthead.platform.consumer.PoisonRecordException;
import io.masthead.test.engines.Engines;
import io.masthead.test.engines.Ports;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** What the consumers' deserializer calls poison (dead-lettered) and what it leaves to retries. */
class RegistryAvroDeserializerTest {

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "DeserializerProbe", "namespace": "io.masthead.test.kafka",
             "fields": [{"name": "id", "type": "string"}, {"name": "amount", "type": "long"}]}""");

    @Test
    void decodesGoodRecordsAndCallsOnlyTheRecordsOwnFaultsPoison() throws Exception {
        String url = Engines.shared().registry().url();
        int id = Math.toIntExact(new SchemaRegistry(url, Duration.ofSeconds(5))
                .findOrCreate(SCHEMA.getFullName(), SCHEMA.toString()));
        RegistryAvroDeserializer deserializer = new RegistryAvroDeserializer(url, false);
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put("id", "evt_1");
        record.put("amount", 42L);
        byte[] avro = avro(record);

        GenericRecord decoded = (GenericRecord) deserializer.deserialize("t", wire(id, avro));
        assertThat(decoded.get("id").toString()).isEqualTo("evt_1");
        assertThat(decoded.get("amount")).isEqualTo(42L);

        assertThatThrownBy(() -> deserializer.deserialize("t", "{\"json\": true}".getBytes()))
                .isInstanceOf(PoisonRecordException.class).hasMessageContaining("not the Confluent wire format");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 1}))
                .isInstanceOf(PoisonRecordException.class);
        assertThatThrownBy(() -> deserializer.deserialize("t", wire(Integer.MAX_VALUE - 7, avro)))
                .as("an id the registry does not have").isInstanceOf(PoisonRecordException.class)
                .hasMessageContaining("no schema with content id");
        byte[] truncated = java.util.Arrays.copyOf(avro, avro.length - 1);
        assertThatThrownBy(() -> deserializer.deserialize("t", wire(id, truncated)))
                .as("bytes that do not decode with the schema they name").isInstanceOf(PoisonRecordException.class);
        byte[] longer = java.util.Arrays.copyOf(avro, avro.length + 3);
        assertThatThrownBy(() -> deserializer.deserialize("t", wire(id, longer)))
                .as("bytes left over").isInstanceOf(PoisonRecordException.class);
    }

    @Test
    void aRegistryThatCannotBeReachedIsNotPoison() throws Exception {
        String nobody = "http://localhost:" + Ports.free() + "/apis/registry/v3";
        RegistryAvroDeserializer deserializer = new RegistryAvroDeserializer(nobody, true);
        GenericRecord record = new GenericData.Record(SCHEMA);
        record.put("id", "evt_2");
        record.put("amount", 1L);
        assertThatThrownBy(() -> deserializer.deserialize("t", wire(12345, avro(record))))
                .isInstanceOf(SerializationException.class).isNotInstanceOf(PoisonRecordException.class)
                .hasMessageContaining("cannot be reached");
    }

    private static byte[] avro(GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] wire(int id, byte[] avro) {
        return ByteBuffer.allocate(5 + avro.length).put((byte) 0).putInt(id).put(avro).array();
    }
}
