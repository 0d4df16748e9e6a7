package io.masthead.platform.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;

/**
 * Sends a poison record to {@code <topic>.dlt}, exactly as it was (key, value and headers re-read from Kafka as
 * bytes: a value that decoded, or did not, is copied unchanged), to the same partition number, with the reason
 * and origin in {@link DeadLetters} headers; counts it ({@code masthead.consumer.dead_lettered{topic,group}}).
 * The DLT is created on first use with the origin's partition count. Any failure here (Kafka away) is thrown: the
 * error handler then retries the record, so its offset is committed only once it is in the DLT.
 */
public class DeadLetterPublisher implements ConsumerAwareRecordRecoverer {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final Supplier<Producer<byte[], byte[]>> producerFactory;
    private final Supplier<Consumer<byte[], byte[]>> rawConsumerFactory;
    private final Supplier<Admin> adminFactory;
    private final MeterRegistry meters;
    private final Duration timeout;
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();
    private volatile Producer<byte[], byte[]> producer;
    private volatile Admin admin;

    public DeadLetterPublisher(Supplier<Producer<byte[], byte[]>> producerFactory,
            Supplier<Consumer<byte[], byte[]>> rawConsumerFactory, Supplier<Admin> adminFactory, MeterRegistry meters,
            Duration timeout) {
        this.producerFactory = producerFactory;
        this.rawConsumerFactory = rawConsumerFactory;
        this.adminFactory = adminFactory;
        this.meters = meters;
        this.timeout = timeout;
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception exception) {
        String group = consumer == null ? "" : consumer.groupMetadata().groupId();
        String dlt = DeadLetters.topicOf(record.topic());
        ensureTopic(record.topic(), dlt);
        ConsumerRecord<byte[], byte[]> original = original(record);
        Throwable root = rootCause(exception);
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(dlt, record.partition(), original.key(),
                original.value());
        for (Header header : original.headers()) {
            if (!header.key().startsWith(DeadLetters.PREFIX)) {
                dead.headers().add(header);
            }
        }
        text(dead, DeadLetters.REASON, "poison: " + reason(exception));
        text(dead, DeadLetters.EXCEPTION, root.getClass().getName());
        text(dead, DeadLetters.MESSAGE, String.valueOf(root.getMessage()));
        text(dead, DeadLetters.ORIGIN_TOPIC, record.topic());
        text(dead, DeadLetters.ORIGIN_PARTITION, Integer.toString(record.partition()));
        text(dead, DeadLetters.ORIGIN_OFFSET, Long.toString(record.offset()));
        text(dead, DeadLetters.ORIGIN_TIMESTAMP, Long.toString(record.timestamp()));
        text(dead, DeadLetters.GROUP, group);
        try {
            producer().send(dead).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not write " + where(record) + " to " + dlt + ": " + e, e);
        }
        Counter.builder("masthead.consumer.dead_lettered").description("Poison records sent to their topic's DLT")
                .tag("topic", record.topic()).tag("group", group).register(meters).increment();
        log.error("Dead-lettered {} (group {}) to {}: {}", where(record), group, dlt, reason(exception));
    }

    /** The first {@link PoisonRecordException}'s message, else the root cause. */
    static String reason(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PoisonRecordException) {
                return t.getMessage();
            }
        }
        Throwable root = rootCause(exception);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private ConsumerRecord<byte[], byte[]> original(ConsumerRecord<?, ?> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try (Consumer<byte[], byte[]> raw = rawConsumerFactory.get()) {
            raw.assign(List.of(partition));
            raw.seek(partition, record.offset());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> candidate : raw.poll(Duration.ofMillis(200))) {
                    if (candidate.offset() == record.offset()) {
                        return candidate;
                    }
                    if (candidate.offset() > record.offset()) {
                        throw new IllegalStateException(where(record) + " is no longer in Kafka");
                    }
                }
            }
        }
        throw new IllegalStateException("could not read " + where(record) + " again within " + timeout);
    }

    private void ensureTopic(String origin, String dlt) {
        if (knownTopics.contains(dlt)) {
            return;
        }
        try {
            Map<String, TopicDescription> described = admin().describeTopics(List.of(origin)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int partitions = described.get(origin).partitions().size();
            int replicas = described.get(origin).partitions().getFirst().replicas().size();
            admin().createTopics(List.of(new NewTopic(dlt, partitions, (short) replicas))).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create " + dlt + ": " + e.getCause(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + dlt, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not create " + dlt + " within " + timeout, e);
        }
        knownTopics.add(dlt);
    }

    private Producer<byte[], byte[]> producer() {
        if (producer == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = producerFactory.get();
                }
            }
        }
        return producer;
    }

    private Admin admin() {
        if (admin == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = adminFactory.get();
                }
            }
        }
        return admin;
    }

    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    private static void text(ProducerRecord<byte[], byte[]> record, String name, String value) {
        record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "@" + record.offset();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

}
