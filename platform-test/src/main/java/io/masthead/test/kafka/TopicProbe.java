package io.masthead.test.kafka;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.masthead.platform.kafka.AvroSerdeConfig;
import io.masthead.test.engines.Engines;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from the beginning (its own consumer group) so a test can wait for the records it expects.
 *
 * <pre>{@code
 * try (var probe = TopicProbe.avro("customers.v1")) {
 *     var record = probe.awaitOne(r -> r.key().equals(customerId) && r.value() instanceof CustomerCreated);
 * }
 * }</pre>
 *
 * Not thread-safe: use one probe from one thread. {@link #avro} decodes through the registry (Apicurio's Avro
 * deserializer, the platform's settings, the generated event classes); {@link #genericAvro} gives generic records;
 * {@link #raw} keeps
 * the bytes, to check the Confluent wire format ({@link #schemaId(byte[])}).
 */
public final class TopicProbe<V> implements AutoCloseable {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final int DECODE_ATTEMPTS = 8;

    private final String topic;
    private final KafkaConsumer<String, V> consumer;
    private final List<ConsumerRecord<String, V>> received = new ArrayList<>();
    private int undecodable;

    private TopicProbe(String topic, Map<String, Object> config) {
        this.topic = topic;
        this.consumer = new KafkaConsumer<>(config);
        this.consumer.subscribe(List.of(topic));
    }

    /** Avro values decoded through the shared engines' registry. */
    public static TopicProbe<Object> avro(String topic) {
        Engines engines = Engines.shared();
        return avro(topic, engines.kafka().bootstrapServers(), engines.registry().url());
    }

    public static TopicProbe<Object> avro(String topic, String bootstrapServers, String registryUrl) {
        return avro(topic, bootstrapServers, registryUrl, true);
    }

    /**
     * Avro values as {@link org.apache.avro.generic.GenericRecord}s, for schemas without a generated class
     * ({@link #avro} needs the generated class of every event on the topic).
     */
    public static TopicProbe<Object> genericAvro(String topic) {
        Engines engines = Engines.shared();
        return avro(topic, engines.kafka().bootstrapServers(), engines.registry().url(), false);
    }

    public static TopicProbe<Object> avro(String topic, String bootstrapServers, String registryUrl,
                                          boolean specific) {
        Map<String, Object> config = base(bootstrapServers);
        config.putAll(AvroSerdeConfig.deserializer(registryUrl, specific));
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroSerdeConfig.DESERIALIZER);
        return new TopicProbe<>(topic, config);
    }

    /** The values' bytes as written (magic byte 0, 4-byte schema id, Avro binary). */
    public static TopicProbe<byte[]> raw(String topic) {
        return raw(topic, Engines.shared().kafka().bootstrapServers());
    }

    public static TopicProbe<byte[]> raw(String topic, String bootstrapServers) {
        Map<String, Object> config = base(bootstrapServers);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new TopicProbe<>(topic, config);
    }

    private static Map<String, Object> base(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "topic-probe-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000"); // notice a topic created after subscribing
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return config;
    }

    /**
     * Polls until at least {@code count} records received so far match, then returns all the matching ones
     * (in the order received); fails with what was received if the timeout passes first.
     */
    public List<ConsumerRecord<String, V>> await(Predicate<? super ConsumerRecord<String, V>> match, int count,
                                                  Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ConsumerRecord<String, V>> matching = received.stream().filter(match).collect(Collectors.toList());
            if (matching.size() >= count) {
                return matching;
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("Expected " + count + " matching record(s) on " + topic + " within "
                        + timeout + ", found " + matching.size() + " among " + received.size() + " received:\n"
                        + describe(received));
            }
            poll();
        }
    }

    public List<ConsumerRecord<String, V>> await(Predicate<? super ConsumerRecord<String, V>> match, int count) {
        return await(match, count, DEFAULT_TIMEOUT);
    }

    /** The first matching record. */
    public ConsumerRecord<String, V> awaitOne(Predicate<? super ConsumerRecord<String, V>> match, Duration timeout) {
        return await(match, 1, timeout).getFirst();
    }

    public ConsumerRecord<String, V> awaitOne(Predicate<? super ConsumerRecord<String, V>> match) {
        return awaitOne(match, DEFAULT_TIMEOUT);
    }

    /** Keeps polling for {@code duration} (to show that something does NOT arrive) and returns all received. */
    public List<ConsumerRecord<String, V>> pollFor(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            poll();
        }
        return received();
    }

    /**
     * Polls until this probe has read every record that was on the topic when called (up to the end offsets of all
     * its partitions at that moment) and returns all received. A positive point for negative checks: a record that
     * was published before the call and is not among these was not published.
     */
    public List<ConsumerRecord<String, V>> readToEnd(Duration timeout) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (consumer.assignment().containsAll(partitions)
                    && partitions.stream().allMatch(tp -> consumer.position(tp, timeout) >= end.get(tp))) {
                return received();
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("Did not read " + topic + " to its end offsets " + end + " within " + timeout);
            }
            poll();
        }
    }

    public List<ConsumerRecord<String, V>> readToEnd() {
        return readToEnd(DEFAULT_TIMEOUT);
    }

    /** Every record received so far. */
    public List<ConsumerRecord<String, V>> received() {
        return List.copyOf(received);
    }

    private void poll() {
        try {
            consumer.poll(Duration.ofMillis(100)).forEach(received::add);
            undecodable = 0;
        } catch (RecordDeserializationException e) {
            // the consumer stays on the record, so the next poll decodes it again: a registry that answered slowly
            // or not at all gets a few more tries; a record that never decodes fails the test with its cause
            if (++undecodable > DECODE_ATTEMPTS) {
                throw new AssertionError("Could not decode " + e.topicPartition() + "@" + e.offset() + " after "
                        + DECODE_ATTEMPTS + " attempts: " + rootCause(e), e);
            }
            pause(Duration.ofMillis(200L * undecodable));
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }

    /** Records with this key. */
    public static <V> Predicate<ConsumerRecord<String, V>> key(String key) {
        return record -> key.equals(record.key());
    }

    /** Records whose value is an instance of {@code type} (e.g. a generated event class). */
    public static <V> Predicate<ConsumerRecord<String, V>> valueOfType(Class<?> type) {
        return record -> type.isInstance(record.value());
    }

    /** Whether {@code value} is in the Confluent wire format: magic byte 0, then a 4-byte schema id. */
    public static boolean isConfluentWireFormat(byte[] value) {
        return value != null && value.length > 5 && value[0] == 0;
    }

    /** The schema id of a value in the Confluent wire format (resolvable at ccompat {@code /schemas/ids/{id}}). */
    public static int schemaId(byte[] value) {
        if (!isConfluentWireFormat(value)) {
            throw new IllegalArgumentException("not in the Confluent wire format (magic byte 0 + 4-byte id)");
        }
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    private static String describe(List<? extends ConsumerRecord<String, ?>> records) {
        return records.stream().limit(50).map(r -> "  " + r.partition() + "@" + r.offset() + " key=" + r.key()
                        + " value=" + (r.value() instanceof byte[] bytes ? bytes.length + " bytes" : r.value()))
                .collect(Collectors.joining("\n"));
    }
}
