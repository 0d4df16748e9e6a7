package io.masthead.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the topic from its current end (all partitions assigned, no consumer group) on its own thread and
 * hands each {@code customer.created} record's key and receive time to the tracker. Values are not decoded.
 */
final class KafkaEvents implements AutoCloseable {

    static final String CREATED = "customer.created";

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventTracker tracker;
    private final Thread thread;
    private final long deadline;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile long records;

    /** Subscribes (waiting up to {@code metadataWait} for the topic) and starts reading; bounded by {@code runFor}. */
    KafkaEvents(String bootstrap, String topic, EventTracker tracker, Duration metadataWait, Duration runFor) {
        this.tracker = tracker;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "masthead-bench");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = new KafkaConsumer<>(props);
        try {
            List<TopicPartition> partitions = partitions(topic, metadataWait);
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            for (TopicPartition partition : partitions) {
                consumer.position(partition, metadataWait); // resolve now: nothing sent later can be missed
            }
        } catch (RuntimeException e) {
            consumer.close(Duration.ofSeconds(2));
            throw e;
        }
        deadline = System.nanoTime() + runFor.toNanos();
        thread = new Thread(this::run, "bench-kafka-events");
        thread.setDaemon(true);
        thread.start();
    }

    private List<TopicPartition> partitions(String topic, Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        while (true) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = List.of();
            }
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo info : infos) {
                    partitions.add(new TopicPartition(info.topic(), info.partition()));
                }
                return partitions;
            }
            if (System.nanoTime() - until > 0) {
                throw new IllegalStateException("topic " + topic + " not found on Kafka within " + wait.toSeconds() + " s");
            }
            sleep(500);
        }
    }

    private void run() {
        try {
            while (running && System.nanoTime() - deadline < 0) {
                ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(100));
                long receive = System.nanoTime();
                for (ConsumerRecord<String, byte[]> record : batch) {
                    records++;
                    if (record.key() != null && isCreated(record)) {
                        tracker.received(record.key(), receive);
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private static boolean isCreated(ConsumerRecord<String, byte[]> record) {
        Header type = record.headers().lastHeader("event_type");
        return type == null || CREATED.equals(new String(type.value(), StandardCharsets.UTF_8));
    }

    /** Null while reading normally. */
    Throwable failure() {
        return failure;
    }

    long records() {
        return records;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
