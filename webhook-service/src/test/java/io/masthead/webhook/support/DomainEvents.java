package io.masthead.webhook.support;

import io.masthead.events.EventHeader;
import io.masthead.events.customer.Customer;
import io.masthead.events.customer.CustomerCreated;
import io.masthead.events.customer.CustomerUpdated;
import io.masthead.platform.kafka.AvroSerdeConfig;
import io.masthead.platform.kafka.EventHeaders;
import io.masthead.test.engines.Engines;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes customer events to {@code customers.v1} as customer-service's relay does: Avro through the
 * registry (the platform's serde settings), keyed by the customer id, headers {@code event_id}/{@code event_type}.
 */
public final class DomainEvents implements AutoCloseable {

    public static final String TOPIC = "customers.v1";
    /** The gateway's topic: {@code test_clock.ready}. */
    public static final String SITES_TOPIC = "sites.v1";
    private final KafkaProducer<String, SpecificRecord> producer;

    public DomainEvents() {
        Engines engines = Engines.shared();
        Map<String, Object> config = new java.util.HashMap<>(AvroSerdeConfig.serializer(engines.registry().url()));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engines.kafka().bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerdeConfig.SERIALIZER);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(config);
    }

    public static Customer customer(String id, String email, Instant at) {
        return Customer.newBuilder().setId(id).setEmail(email).setFirstName("Ada").setLastName("Lovelace")
                .setCreatedAt(at).setUpdatedAt(at).build();
    }

    public static EventHeader header(String type, String site, Instant at) {
        return EventHeader.newBuilder().setEventId(UUID.randomUUID().toString()).setEventType(type).setSiteId(site)
                .setOccurredAt(at).setProducer("test").build();
    }

    /** Publishes {@code customer.created}; returns the event id. */
    public String created(String site, Customer customer, Instant at) {
        CustomerCreated event = CustomerCreated.newBuilder().setHeader(header("customer.created", site, at))
                .setCustomer(customer).build();
        return send(customer.getId(), event.getHeader(), event);
    }

    /** Publishes {@code customer.updated}; returns the event id. */
    public String updated(String site, Customer customer, List<String> changed, Instant at) {
        CustomerUpdated event = CustomerUpdated.newBuilder().setHeader(header("customer.updated", site, at))
                .setCustomer(customer).setChangedFields(changed).build();
        return send(customer.getId(), event.getHeader(), event);
    }

    /** Publishes {@code test_clock.ready} to {@code sites.v1} as the gateway's relay does; returns the event id. */
    public String testClockReady(String site, Instant now) {
        io.masthead.events.site.TestClockReady event = io.masthead.events.site.TestClockReady.newBuilder()
                .setHeader(header("test_clock.ready", site, now))
                .setTestClock(io.masthead.events.site.TestClock.newBuilder().setSiteId(site).setNow(now)
                        .setStatus("ready").build())
                .build();
        return send(SITES_TOPIC, site, event.getHeader(), event);
    }

    public String send(String key, EventHeader header, SpecificRecord event) {
        return send(TOPIC, key, header, event);
    }

    public String send(String topic, String key, EventHeader header, SpecificRecord event) {
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(topic, key, event);
        record.headers().add(EventHeaders.EVENT_ID, header.getEventId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_TYPE, header.getEventType().getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish " + header.getEventType(), e);
        }
        return header.getEventId();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
