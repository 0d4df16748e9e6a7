package io.masthead.test.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.masthead.platform.kafka.AvroSerdeConfig;
import io.masthead.test.engines.Engines;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TopicProbeTest {

    @BeforeAll
    static void startEngines() {
        Engines.shared().startAll(); // all three in parallel, once per JVM: faster than one after the other
    }

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "ProbeEvent", "namespace": "io.masthead.test.kafka",
             "fields": [{"name": "id", "type": "string"}, {"name": "amount", "type": "long"}]}""");

    @Test
    void decodesThroughTheRegistryAndShowsTheConfluentWireFormat() throws Exception {
        Engines engines = Engines.shared();
        String bootstrap = engines.kafka().bootstrapServers();
        String topic = "probe-test-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 12, (short) 1))).all().get();
        }
        Map<String, Object> config = new HashMap<>(AvroSerdeConfig.serializer(engines.registry().url()));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerdeConfig.SERIALIZER);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config)) {
            for (int i = 1; i <= 3; i++) {
                GenericRecord event = new GenericData.Record(SCHEMA);
                event.put("id", "evt_" + i);
                event.put("amount", 100L * i);
                producer.send(new ProducerRecord<>(topic, "cus_" + i, event)).get();
            }
        }

        try (TopicProbe<Object> probe = TopicProbe.genericAvro(topic)) {
            ConsumerRecord<String, Object> second = probe.awaitOne(TopicProbe.key("cus_2"));
            GenericRecord value = (GenericRecord) second.value();
            assertThat(value.get("id").toString()).isEqualTo("evt_2");
            assertThat(value.get("amount")).isEqualTo(200L);
            assertThat(probe.await(record -> true, 3)).hasSize(3);
        }

        try (TopicProbe<byte[]> probe = TopicProbe.raw(topic)) {
            byte[] bytes = probe.awaitOne(TopicProbe.key("cus_1")).value();
            assertThat(TopicProbe.isConfluentWireFormat(bytes)).isTrue();
            int id = TopicProbe.schemaId(bytes);
            HttpResponse<String> schema = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(engines.registry().ccompatUrl() + "/schemas/ids/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(schema.statusCode()).isEqualTo(200);
            assertThat(schema.body()).contains("ProbeEvent");
        }
    }
}
