package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.masthead.events.customer.CustomerCreated;
import io.masthead.platform.kafka.AvroSerdeConfig;
import io.masthead.platform.kafka.EventHeaders;
import io.masthead.test.engines.ApicurioRegistryEngine;
import io.masthead.test.engines.EngineSettings;
import io.masthead.test.engines.Engines;
import io.masthead.test.spring.TestTokens;
import io.masthead.webhook.support.DomainEvents;
import io.masthead.webhook.support.StandaloneService;
import io.masthead.webhook.support.TestReceiver;
import io.masthead.webhook.support.TestSecretKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The registry is down while events arrive that a freshly started consumer has never seen the schema of: their
 * partition waits (the consumer retries with backoff) and every webhook is delivered once the registry is back.
 * The test has its own registry (SQL storage on PostgreSQL, so ids survive the restart) and its own topic, so the
 * other tests of this JVM keep theirs.
 */
class RegistryOutageIntegrationTest {

    private static final TestReceiver receiver = new TestReceiver();
    private static final String SITE = WebhookIntegrationTestSupport.newSite();
    private static final String TOPIC = "customers-outage-" + UUID.randomUUID();
    private static ApicurioRegistryEngine registry;

    @BeforeAll
    static void startRegistry() {
        Engines engines = Engines.shared().startAll();
        registry = new ApicurioRegistryEngine(EngineSettings.defaultEnginesDirectory(), 0,
                Path.of("target", "registry-outage.log"), engines.postgres().database("registry_outage")).start();
        WebhookIntegrationTestSupport.createTopic(TOPIC);
    }

    @AfterAll
    static void stop() {
        receiver.close();
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void eventsArrivingWhileTheRegistryIsDownAreAllDeliveredOnceItIsBack() throws Exception {
        // the producer side knows its schema id from before the outage (as a relay that published before would)
        CustomerCreated sample = created("cus_outage_0");
        byte[] schemaId;
        try (AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(AvroSerdeConfig.serializer(registry.url()), false);
            schemaId = Arrays.copyOfRange(serializer.serialize(TOPIC, sample), 0, 5);
        }
        ConfigurableApplicationContext app = StandaloneService.start("webhooks_outage", "webhook-service-outage",
                Map.of("masthead.registry.url", registry.url(),
                        "masthead.webhooks.topics", TOPIC,
                        "masthead.consumer.max-backoff", "1s",
                        "masthead.webhooks.secret-encryption.keys[0].id", TestSecretKeys.CURRENT_ID,
                        "masthead.webhooks.secret-encryption.keys[0].key", TestSecretKeys.CURRENT));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Engines.shared().kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            WebClient client = WebClient.builder()
                    .baseUrl("http://localhost:" + app.getEnvironment().getProperty("local.server.port"))
                    .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE)).build();
            client.post().uri("/v1/webhook_endpoints").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"url\": \"" + receiver.url("/outage") + "\", \"enabled_events\": [\"*\"]}")
                    .retrieve().bodyToMono(Map.class).block();
            MeterRegistry meters = app.getBean(MeterRegistry.class);

            registry.stop();
            try {
                for (int i = 1; i <= 5; i++) {
                    CustomerCreated event = created("cus_outage_" + i);
                    ProducerRecord<String, byte[]> record = new ProducerRecord<>(TOPIC, event.getCustomer().getId(),
                            wire(schemaId, event));
                    record.headers().add(EventHeaders.EVENT_ID,
                            event.getHeader().getEventId().getBytes(StandardCharsets.UTF_8));
                    record.headers().add(EventHeaders.EVENT_TYPE, "customer.created".getBytes(StandardCharsets.UTF_8));
                    producer.send(record).get();
                }
                // the positive marker that the consumer met the outage: it is retrying, not skipping
                await().atMost(Duration.ofSeconds(30)).until(() -> count(meters, "masthead.consumer.retries", TOPIC) >= 5);
                assertThat(receiver.requests("/outage")).as("nothing can be delivered before the registry is back")
                        .isEmpty();
            } finally {
                registry.start();
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/outage").stream()
                    .map(r -> r.header("webhook-id")).distinct().count() == 5);
            assertThat(receiver.requests("/outage")).extracting(TestReceiver.Request::body)
                    .allMatch(body -> body.contains("\"customer.created\""));
            assertThat(count(meters, "masthead.consumer.dead_lettered", TOPIC)).as("nothing was dead-lettered").isZero();
        } finally {
            app.close();
        }
    }

    private static double count(MeterRegistry meters, String name, String topic) {
        return meters.find(name).tag("topic", topic).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static CustomerCreated created(String customerId) {
        Instant now = Instant.now();
        return CustomerCreated.newBuilder().setHeader(DomainEvents.header("customer.created", SITE, now))
                .setCustomer(DomainEvents.customer(customerId, customerId + "@example.com", now)).build();
    }

    /** The Confluent wire format: magic byte and id as given, then the Avro binary of the event. */
    private static byte[] wire(byte[] magicAndId, SpecificRecord event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(magicAndId);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(event.getSchema()).write(event, encoder);
        encoder.flush();
        assertThat(ByteBuffer.wrap(magicAndId, 1, 4).getInt()).isPositive();
        return out.toByteArray();
    }
}
