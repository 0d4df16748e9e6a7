package io.masthead.local;

import io.masthead.platform.consumer.DeadLetters;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code ./masthead dlt replay <topic> [--from <ISO-8601 time>] [--dry-run]}: publishes the records of
 * {@code <topic>.dlt} again to {@code <topic>}, once the cause of their failure is fixed: the original key, value
 * and headers, byte for byte (the {@code dlt.*} headers the dead-lettering added are dropped), keyed as before, so
 * each goes to the partition it came from. It reads the DLT up to where it ended when the run started (records
 * dead-lettered again while it runs wait for the next run) and publishes each origin record (topic, partition,
 * offset) once, even when several consumer groups dead-lettered it. Consumers' inboxes skip events they applied
 * already. {@code --from} replays only records dead-lettered at or after that time; {@code --dry-run} only lists.
 * Kafka defaults to the local run's ({@code localhost:19092}); override with {@code MASTHEAD_KAFKA}.
 */
public final class DeadLetterReplay {

    private DeadLetterReplay() {
    }

    /** What a run did. */
    public record Result(int read, int replayed, int duplicates, int otherOrigin) {
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/masthead/local/local-logback.xml");
        }
        if (args.length < 2 || !args[0].equals("replay")) {
            usage(2);
        }
        String topic = args[1];
        Instant from = null;
        boolean dryRun = false;
        try {
            for (int i = 2; i < args.length; i++) {
                switch (args[i]) {
                    case "--from" -> from = Instant.parse(args[++i]);
                    case "--dry-run" -> dryRun = true;
                    case "-h", "--help" -> usage(0);
                    default -> usage(2);
                }
            }
        } catch (RuntimeException e) {
            usage(2);
        }
        String bootstrap = System.getenv().getOrDefault("MASTHEAD_KAFKA", "localhost:19092");
        try {
            Result result = replay(topic, bootstrap, from, dryRun, System.out);
            System.out.printf("%s %d of %d record(s) of %s to %s (%d already replayed in this run, %d of another "
                            + "origin left alone)%n", dryRun ? "would replay" : "replayed", result.replayed(),
                    result.read(), DeadLetters.topicOf(topic), topic, result.duplicates(), result.otherOrigin());
            System.exit(0);
        } catch (RuntimeException e) {
            System.err.println("masthead dlt: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void usage(int status) {
        System.err.println("usage: ./masthead dlt replay <topic> [--from <ISO-8601 time>] [--dry-run]\n"
                + "  env MASTHEAD_KAFKA (default localhost:19092)");
        System.exit(status);
    }

    public static Result replay(String topic, String bootstrap, Instant from, boolean dryRun, PrintStream out) {
        String dlt = DeadLetters.topicOf(topic);
        Map<String, Object> consumerConfig = new HashMap<>();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "masthead-dlt-replay");
        consumerConfig.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "masthead-dlt-replay");
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
            List<PartitionInfo> partitions = consumer.partitionsFor(dlt, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("there is no topic " + dlt + " on " + bootstrap
                        + " (nothing was dead-lettered from " + topic + ")");
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
            Map<TopicPartition, Long> start = new HashMap<>(consumer.beginningOffsets(assigned));
            if (from != null) {
                Map<TopicPartition, Long> query = new HashMap<>();
                assigned.forEach(p -> query.put(p, from.toEpochMilli()));
                for (Map.Entry<TopicPartition, OffsetAndTimestamp> e : consumer.offsetsForTimes(query).entrySet()) {
                    start.put(e.getKey(), e.getValue() == null ? end.get(e.getKey()) : e.getValue().offset());
                }
            }
            Set<TopicPartition> pending = new HashSet<>();
            for (TopicPartition p : assigned) {
                consumer.seek(p, start.get(p));
                if (start.get(p) < end.get(p)) {
                    pending.add(p);
                }
            }
            Set<String> seen = new HashSet<>();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            int read = 0;
            int duplicates = 0;
            int otherOrigin = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!pending.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + dlt + " to its end within 5 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition p = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(p)) {
                        continue; // dead-lettered after the run started
                    }
                    read++;
                    String origin = header(record, DeadLetters.ORIGIN_TOPIC);
                    if (origin != null && !origin.equals(topic)) {
                        otherOrigin++;
                        continue;
                    }
                    String identity = origin == null ? "dlt:" + record.partition() + "@" + record.offset()
                            : header(record, DeadLetters.ORIGIN_PARTITION) + "@" + header(record, DeadLetters.ORIGIN_OFFSET);
                    if (!seen.add(identity)) {
                        duplicates++;
                        continue;
                    }
                    out.println((dryRun ? "would replay " : "replaying ") + dlt + "/" + record.partition() + "@"
                            + record.offset() + " (from " + topic + "/" + identity + "): "
                            + header(record, DeadLetters.REASON));
                    if (!dryRun) {
                        ProducerRecord<byte[], byte[]> again = new ProducerRecord<>(topic, null, record.key(),
                                record.value());
                        for (Header h : record.headers()) {
                            if (!h.key().startsWith(DeadLetters.PREFIX)) {
                                again.headers().add(h);
                            }
                        }
                        sent.add(producer.send(again));
                    }
                }
                pending.removeIf(p -> consumer.position(p) >= end.get(p));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("could not publish to " + topic + ": " + e, e);
                }
            }
            return new Result(read, seen.size(), duplicates, otherOrigin);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
