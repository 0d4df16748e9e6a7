package io.masthead.subscription.customer;

import io.masthead.events.EventHeader;
import io.masthead.events.customer.Address;
import io.masthead.events.customer.AddressCreated;
import io.masthead.events.customer.Customer;
import io.masthead.events.customer.CustomerCreated;
import io.masthead.events.customer.CustomerUpdated;
import io.masthead.events.customer.Organization;
import io.masthead.events.customer.OrganizationCreated;
import io.masthead.platform.kafka.AvroSerdeConfig;
import io.masthead.platform.kafka.EventHeaders;
import io.masthead.test.engines.Engines;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes events to {@code customers.v1} as customer-service's relay does: Avro through the registry (the
 * platform's serde settings, Confluent wire format), keyed by the customer id (the organization id for
 * organization events), with the {@code event_id}/{@code event_type} headers.
 */
final class CustomerEvents implements AutoCloseable {

    static final String TOPIC = "customers.v1";

    private final KafkaProducer<String, SpecificRecord> producer;

    CustomerEvents() {
        Engines engines = Engines.shared().startAll();
        createTopic(engines.kafka().bootstrapServers());
        Map<String, Object> config = new HashMap<>(AvroSerdeConfig.serializer(engines.registry().url()));
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engines.kafka().bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerdeConfig.SERIALIZER);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(config);
    }

    private static void createTopic(String bootstrapServers) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 12, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + TOPIC, e);
        }
    }

    static Customer.Builder customer(String id, Instant at) {
        return Customer.newBuilder().setId(id).setCreatedAt(at).setUpdatedAt(at);
    }

    static Address.Builder address(String id, String customerId, String type, Instant at) {
        return Address.newBuilder().setId(id).setCustomerId(customerId).setType(type).setLine1("1 Main Street")
                .setCountry("CA").setCreatedAt(at).setUpdatedAt(at);
    }

    static EventHeader header(String eventId, String type, String site, Instant at) {
        return EventHeader.newBuilder().setEventId(eventId).setEventType(type).setSiteId(site).setOccurredAt(at)
                .setProducer("customer-service").build();
    }

    static String newEventId() {
        return UUID.randomUUID().toString();
    }

    /** Publishes {@code customer.created}; returns the event id. */
    String customerCreated(String site, Customer customer) {
        String eventId = newEventId();
        send(customer.getId(), CustomerCreated.newBuilder()
                .setHeader(header(eventId, "customer.created", site, customer.getUpdatedAt()))
                .setCustomer(customer).build());
        return eventId;
    }

    /** Publishes {@code customer.updated}; returns the event id. */
    String customerUpdated(String site, Customer customer) {
        return customerUpdated(newEventId(), site, customer);
    }

    /** Publishes {@code customer.updated} with the event id given (a redelivery, when it was used before). */
    String customerUpdated(String eventId, String site, Customer customer) {
        send(customer.getId(), CustomerUpdated.newBuilder()
                .setHeader(header(eventId, "customer.updated", site, customer.getUpdatedAt()))
                .setCustomer(customer).setChangedFields(List.of()).build());
        return eventId;
    }

    /** Publishes {@code address.created} (keyed by its customer); returns the event id. */
    String addressCreated(String site, Address address) {
        String eventId = newEventId();
        send(address.getCustomerId(), AddressCreated.newBuilder()
                .setHeader(header(eventId, "address.created", site, address.getUpdatedAt()))
                .setAddress(address).build());
        return eventId;
    }

    /** Publishes {@code organization.created} (keyed by the organization); returns the event id. */
    String organizationCreated(String site, String id, String name, Instant at) {
        String eventId = newEventId();
        Organization organization = Organization.newBuilder().setId(id).setName(name).setCreatedAt(at)
                .setUpdatedAt(at).build();
        send(id, OrganizationCreated.newBuilder().setHeader(header(eventId, "organization.created", site, at))
                .setOrganization(organization).build());
        return eventId;
    }

    private void send(String key, SpecificRecord event) {
        EventHeader header = (EventHeader) event.get(event.getSchema().getField("header").pos());
        ProducerRecord<String, SpecificRecord> record = new ProducerRecord<>(TOPIC, key, event);
        record.headers().add(EventHeaders.EVENT_ID, header.getEventId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_TYPE, header.getEventType().getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish " + header.getEventType(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
