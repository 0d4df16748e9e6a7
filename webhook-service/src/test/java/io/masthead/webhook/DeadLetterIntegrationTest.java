package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.consumer.DeadLetters;
import io.masthead.platform.kafka.EventHeaders;
import io.masthead.test.engines.Engines;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.webhook.support.DomainEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * A record that can never be decoded, in the middle of a batch: the good records before and after it are
 * delivered, and it lands in {@code customers.v1.dlt} byte for byte with the reason and its origin, counted.
 */
class DeadLetterIntegrationTest extends WebhookIntegrationTestSupport {

    private static final String GROUP = "webhook-service-it";

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    MeterRegistry meters;

    @Test
    void aGarbageRecordBetweenGoodOnesGoesToTheDeadLetterTopicAndTheGoodOnesAreDelivered() throws Exception {
        String site = newSite();
        String path = "/dlt-" + site;
        endpoint(site, path, "[\"customer.created\"]");
        String key = "cus_dlt_" + site;
        byte[] garbage = "{\"this is\": \"not avro\"}".getBytes(StandardCharsets.UTF_8);
        String garbageEventId = UUID.randomUUID().toString();
        double before = deadLettered();

        RecordMetadata garbageAt;
        // the three records wait while the consumer is stopped, so that they come in one poll: the garbage is in the
        // middle of a batch
        MessageListenerContainer container = listeners.getListenerContainer("webhook-fanout");
        container.stop();
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Engines.shared().kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            events.created(site, DomainEvents.customer(key, "before@example.com", Instant.now()), Instant.now());
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(DomainEvents.TOPIC, key, garbage);
            record.headers().add(EventHeaders.EVENT_ID, garbageEventId.getBytes(StandardCharsets.UTF_8));
            record.headers().add(EventHeaders.EVENT_TYPE, "customer.created".getBytes(StandardCharsets.UTF_8));
            garbageAt = raw.send(record).get();
            events.created(site, DomainEvents.customer(key, "after@example.com", Instant.now()), Instant.now());
        } finally {
            container.start();
        }

        List<String> bodies = awaitRequests(path, 2).stream().map(r -> r.body()).toList();
        assertThat(bodies).hasSize(2);
        assertThat(bodies).anyMatch(b -> b.contains("before@example.com")).anyMatch(b -> b.contains("after@example.com"));

        try (TopicProbe<byte[]> dlt = TopicProbe.raw(DeadLetters.topicOf(DomainEvents.TOPIC))) {
            ConsumerRecord<String, byte[]> dead = dlt.awaitOne(r -> key.equals(r.key()), Duration.ofSeconds(30));
            assertThat(dead.value()).isEqualTo(garbage);
            assertThat(dead.partition()).isEqualTo(garbageAt.partition());
            assertThat(header(dead, EventHeaders.EVENT_ID)).isEqualTo(garbageEventId);
            assertThat(header(dead, DeadLetters.REASON)).startsWith("poison: not the Confluent wire format");
            assertThat(header(dead, DeadLetters.EXCEPTION)).endsWith("PoisonRecordException");
            assertThat(header(dead, DeadLetters.MESSAGE)).contains("not the Confluent wire format");
            assertThat(header(dead, DeadLetters.ORIGIN_TOPIC)).isEqualTo(DomainEvents.TOPIC);
            assertThat(header(dead, DeadLetters.ORIGIN_PARTITION)).isEqualTo(Integer.toString(garbageAt.partition()));
            assertThat(header(dead, DeadLetters.ORIGIN_OFFSET)).isEqualTo(Long.toString(garbageAt.offset()));
            assertThat(header(dead, DeadLetters.ORIGIN_TIMESTAMP)).isEqualTo(Long.toString(garbageAt.timestamp()));
            assertThat(header(dead, DeadLetters.GROUP)).isEqualTo(GROUP);
        }
        assertThat(deadLettered()).isEqualTo(before + 1);
    }

    private double deadLettered() {
        Counter counter = meters.find("masthead.consumer.dead_lettered")
                .tags("topic", DomainEvents.TOPIC, "group", GROUP).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
