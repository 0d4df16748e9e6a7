package io.masthead.test.engines;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaEngineTest {

    @BeforeAll
    static void startEngines() {
        Engines.shared().startAll(); // all three in parallel, once per JVM: faster than one after the other
    }

    @Test
    void keepsRecordsAcrossStopAndStart() throws Exception {
        KafkaEngine kafka = Engines.shared().kafka();
        String bootstrap = kafka.bootstrapServers();
        String topic = "engine-test-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            assertThat(admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(3);
        }
        send(bootstrap, topic, "cus_1", "before restart");
        assertThat(readAll(bootstrap, topic, 1)).containsExactly("cus_1=before restart");

        kafka.stop();
        assertThat(kafka.isRunning()).isFalse();
        kafka.start();

        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
        send(bootstrap, topic, "cus_1", "after restart");
        assertThat(readAll(bootstrap, topic, 2)).containsExactly("cus_1=before restart", "cus_1=after restart");
    }

    private static void send(String bootstrap, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static List<String> readAll(String bootstrap, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "engine-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.key() + "=" + record.value());
                }
            }
        }
        return values;
    }
}
