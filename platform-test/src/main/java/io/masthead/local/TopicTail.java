package io.masthead.local;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.masthead.platform.kafka.AvroSerdeConfig;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code ./masthead topic <topic> [--from-beginning] [--max N] [--timeout S]}: prints each record of a topic,
 * decoded through the registry, as one JSON line:
 * {@code {"topic":..,"partition":..,"offset":..,"timestamp":..,"key":..,"schema":..,"value":{...}}}.
 *
 * <p>Without {@code --from-beginning} it prints new records only. {@code --max N} stops after N records;
 * {@code --timeout S} stops after S seconds without a record. Kafka and the registry default to the local run's
 * ({@code localhost:19092}, {@code http://localhost:18081/apis/registry/v3}); override with the environment
 * variables {@code MASTHEAD_KAFKA} and {@code MASTHEAD_REGISTRY}. No consumer group is used or committed.
 */
public final class TopicTail {

    private TopicTail() {
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/masthead/local/local-logback.xml");
        }
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger(); // java.util.logging (Vert.x) via logback
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        String topic = null;
        boolean fromBeginning = false;
        long max = Long.MAX_VALUE;
        Duration idleTimeout = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--from-beginning" -> fromBeginning = true;
                    case "--max" -> max = Long.parseLong(args[++i]);
                    case "--timeout" -> idleTimeout = Duration.ofMillis((long) (Double.parseDouble(args[++i]) * 1000));
                    case "-h", "--help" -> usage(0);
                    default -> {
                        if (args[i].startsWith("-") || topic != null) {
                            usage(2);
                        }
                        topic = args[i];
                    }
                }
            }
        } catch (RuntimeException e) {
            usage(2);
        }
        if (topic == null) {
            usage(2);
        }
        String bootstrap = System.getenv().getOrDefault("MASTHEAD_KAFKA", "localhost:19092");
        String registry = System.getenv().getOrDefault("MASTHEAD_REGISTRY", "http://localhost:18081/apis/registry/v3");
        System.exit(tail(topic, bootstrap, registry, fromBeginning, max, idleTimeout));
    }

    private static void usage(int status) {
        System.err.println("usage: ./masthead topic <topic> [--from-beginning] [--max N] [--timeout SECONDS]\n"
                + "  env MASTHEAD_KAFKA (default localhost:19092), MASTHEAD_REGISTRY "
                + "(default http://localhost:18081/apis/registry/v3)");
        System.exit(status);
    }

    static int tail(String topic, String bootstrap, String registryUrl, boolean fromBeginning, long max,
                    Duration idleTimeout) {
        Map<String, Object> config = new HashMap<>(AvroSerdeConfig.deserializer(registryUrl, false));
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroSerdeConfig.DESERIALIZER);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "masthead-topic-tail");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(config)) {
            List<PartitionInfo> partitions;
            try {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            } catch (RuntimeException e) {
                System.err.println("Cannot reach Kafka at " + bootstrap + " (" + e.getMessage() + "). Is ./masthead up running?");
                return 1;
            }
            if (partitions == null || partitions.isEmpty()) {
                System.err.println("No topic " + topic + " on " + bootstrap + ". Topics: "
                        + consumer.listTopics(Duration.ofSeconds(10)).keySet().stream()
                        .filter(t -> !t.startsWith("__")).sorted().collect(Collectors.joining(", ")));
                return 1;
            }
            List<TopicPartition> assigned = partitions.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            if (fromBeginning) {
                consumer.seekToBeginning(assigned);
            } else {
                consumer.seekToEnd(assigned);
            }
            long printed = 0;
            long lastRecord = System.nanoTime();
            while (printed < max) {
                if (idleTimeout != null && System.nanoTime() - lastRecord > idleTimeout.toNanos()) {
                    break;
                }
                try {
                    for (ConsumerRecord<String, Object> record : consumer.poll(Duration.ofMillis(200))) {
                        System.out.println(toJson(record));
                        lastRecord = System.nanoTime();
                        if (++printed >= max) {
                            break;
                        }
                    }
                } catch (RecordDeserializationException e) {
                    System.out.println("{\"topic\":" + quote(topic) + ",\"partition\":" + e.topicPartition().partition()
                            + ",\"offset\":" + e.offset() + ",\"error\":" + quote(String.valueOf(rootCause(e))) + "}");
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                    lastRecord = System.nanoTime();
                    printed++;
                }
                System.out.flush();
            }
            return 0;
        }
    }

    static String toJson(ConsumerRecord<String, Object> record) {
        Object value = record.value();
        String schema = value instanceof GenericContainer container ? container.getSchema().getFullName() : null;
        String valueJson = value == null ? "null" : GenericData.get().toString(value);
        return "{\"topic\":" + quote(record.topic()) + ",\"partition\":" + record.partition() + ",\"offset\":"
                + record.offset() + ",\"timestamp\":" + record.timestamp() + ",\"key\":" + quote(record.key())
                + ",\"schema\":" + quote(schema) + ",\"value\":" + valueJson + "}";
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }
}
