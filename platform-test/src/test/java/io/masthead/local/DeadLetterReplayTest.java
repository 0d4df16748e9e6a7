package io.masthead.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.consumer.DeadLetters;
import io.masthead.test.engines.Engines;
import io.masthead.test.kafka.TopicProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code ./masthead dlt replay}: the records of {@code <topic>.dlt} go back to {@code <topic>} byte for byte, keyed
 * as before, without the {@code dlt.*} headers, once per origin record, and only from {@code --from} on.
 */
class DeadLetterReplayTest {

    private static final byte[] VALUE_A = {0, 0, 0, 0, 42, 1, 2, 3, (byte) 0xff};
    private static final byte[] VALUE_B = "not avro at all".getBytes(StandardCharsets.UTF_8);

    @Test
    void republishesEachDeadLetteredRecordOnceAsItWas() throws Exception {
        String bootstrap = Engines.shared().kafka().bootstrapServers();
        String topic = "replay-test-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1),
                    new NewTopic(DeadLetters.topicOf(topic), 3, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            // record A, dead-lettered by two consumer groups: replayed once
            producer.send(deadLetter(topic, "cus_a", VALUE_A, 1, 7, "group-one")).get();
            producer.send(deadLetter(topic, "cus_a", VALUE_A, 1, 7, "group-two")).get();
            producer.send(deadLetter(topic, "cus_b", VALUE_B, 2, 9, "group-one")).get();
        }

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        DeadLetterReplay.Result result = DeadLetterReplay.replay(topic, bootstrap, null, false,
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(result.read()).isEqualTo(3);
        assertThat(result.replayed()).isEqualTo(2);
        assertThat(result.duplicates()).isEqualTo(1);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("poison: not the Confluent wire format");
        try (TopicProbe<byte[]> origin = TopicProbe.raw(topic)) {
            origin.await(r -> true, 2, Duration.ofSeconds(30));
            // a marker published after the replay: once it is in, nothing more of the replay can arrive
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
                for (int p = 0; p < 3; p++) {
                    producer.send(new ProducerRecord<>(topic, p, "marker".getBytes(StandardCharsets.UTF_8),
                            new byte[0])).get();
                }
            }
            origin.await(r -> "marker".equals(r.key()), 3, Duration.ofSeconds(30));
            List<ConsumerRecord<String, byte[]>> replayed = origin.received().stream()
                    .filter(r -> !"marker".equals(r.key())).toList();
            assertThat(replayed).hasSize(2);
            ConsumerRecord<String, byte[]> a = replayed.stream().filter(r -> r.key().equals("cus_a")).findFirst()
                    .orElseThrow();
            assertThat(a.value()).isEqualTo(VALUE_A);
            assertThat(header(a, "event_id")).isEqualTo("evt-cus_a");
            assertThat(a.headers().toArray()).extracting(Header::key).noneMatch(k -> k.startsWith("dlt."));
            ConsumerRecord<String, byte[]> b = replayed.stream().filter(r -> r.key().equals("cus_b")).findFirst()
                    .orElseThrow();
            assertThat(b.value()).isEqualTo(VALUE_B);
        }

        Instant later = Instant.now().plusSeconds(3600);
        DeadLetterReplay.Result none = DeadLetterReplay.replay(topic, bootstrap, later, false,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(none.replayed()).as("nothing was dead-lettered after --from").isZero();
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(String topic, String key, byte[] value, int partition,
            long offset, String group) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(DeadLetters.topicOf(topic), partition,
                key.getBytes(StandardCharsets.UTF_8), value);
        text(record, "event_id", "evt-" + key);
        text(record, DeadLetters.REASON, "poison: not the Confluent wire format");
        text(record, DeadLetters.EXCEPTION, "io.masthead.platform.consumer.PoisonRecordException");
        text(record, DeadLetters.MESSAGE, "not the Confluent wire format");
        text(record, DeadLetters.ORIGIN_TOPIC, topic);
        text(record, DeadLetters.ORIGIN_PARTITION, Integer.toString(partition));
        text(record, DeadLetters.ORIGIN_OFFSET, Long.toString(offset));
        text(record, DeadLetters.ORIGIN_TIMESTAMP, "0");
        text(record, DeadLetters.GROUP, group);
        return record;
    }

    private static void text(ProducerRecord<byte[], byte[]> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
