package io.masthead.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.masthead.events.EventHeader;
import io.masthead.events.customer.Customer;
import io.masthead.events.customer.CustomerCreated;
import io.masthead.platform.kafka.AvroSerdeConfig;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.outbox.OutboxMessage;
import io.masthead.test.engines.Engines;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The relay publishes each outbox row exactly as it was written: a row written by another version of the service
 * (another writer schema of the same record) goes out with its own bytes under the id of its own schema. A row
 * that cannot be published for a reason of its own is parked after {@code max-attempts} tries while the other keys
 * go on, and the later rows of its key wait until it is released.
 */
@MastheadIntegrationTest(database = "customers_relay", properties = {
    "masthead.outbox.max-attempts=3",
    "masthead.outbox.retry-backoff=100ms",
    "masthead.outbox.poll-interval=200ms"})
class OutboxRelayIntegrationTest {

    /** The customers' topic, for the events of other keys made through the API. */
    private static final String CUSTOMERS = "customers.v1";
    /**
     * The rows this test writes go to a topic of their own: records without a generated class would stop the other
     * tests' probes that decode customers.v1 from its beginning.
     */
    private static final String TOPIC = "relay-test-" + UUID.randomUUID();

    @BeforeAll
    static void createTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", Engines.shared().startAll().kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 12, (short) 1))).all().get();
        }
    }
    private static final String SITE = "site_relay_" + UUID.randomUUID().toString().substring(0, 8);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Autowired
    WebTestClient web;

    @Autowired
    DatabaseClient db;

    @Autowired
    Outbox outbox;

    @Autowired
    MeterRegistry meters;

    @Test
    void aRowWrittenWithAnotherWriterSchemaIsPublishedAsWrittenUnderThatSchemasId() throws Exception {
        String key = "cus_variant_" + UUID.randomUUID().toString().substring(0, 8);
        CustomerCreated event = created(key);
        // another version of the service wrote this row: CustomerCreated with one more field at the end
        Schema variant = withField(CustomerCreated.getClassSchema(),
                "{\"name\": \"written_by\", \"type\": \"string\", \"default\": \"\"}");
        byte[] payload = concat(avro(event.getSchema(), event), avroString("version 2"));
        UUID eventId = UUID.fromString(event.getHeader().getEventId());
        insertRow(eventId, key, variant, payload);

        try (TopicProbe<byte[]> raw = TopicProbe.raw(TOPIC);
                TopicProbe<Object> specific = TopicProbe.avro(TOPIC);
                TopicProbe<Object> generic = TopicProbe.genericAvro(TOPIC)) {
            byte[] value = raw.awaitOne(TopicProbe.key(key), Duration.ofSeconds(30)).value();
            assertThat(value[0]).as("magic byte").isZero();
            assertThat(Arrays.copyOfRange(value, 5, value.length)).as("the row's bytes, unchanged").isEqualTo(payload);
            int id = ByteBuffer.wrap(value, 1, 4).getInt();
            assertThat(id).as("not the id of this version's schema").isNotEqualTo(currentSchemaId(event));
            assertThat(ccompatSchema(id)).contains("written_by");

            Object decoded = specific.awaitOne(TopicProbe.key(key), Duration.ofSeconds(30)).value();
            assertThat(decoded).isInstanceOf(CustomerCreated.class);
            assertThat(((CustomerCreated) decoded).getCustomer().getEmail()).isEqualTo(key + "@example.com");
            GenericRecord asWritten = (GenericRecord) generic.awaitOne(TopicProbe.key(key), Duration.ofSeconds(30))
                    .value();
            assertThat(asWritten.get("written_by").toString()).isEqualTo("version 2");
        }
    }

    @Test
    void aRowTheRegistryRefusesIsParkedAfterItsTriesItsKeyWaitsAndOtherKeysFlowUntilItIsReleased()
            throws Exception {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String probeName = "io.masthead.test.relay.RelayProbe" + suffix;
        Schema v1 = new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"RelayProbe" + suffix
                + "\", \"namespace\": \"io.masthead.test.relay\", \"fields\": [{\"name\": \"id\", \"type\": \"string\"}]}");
        Schema v2 = withField(v1, "{\"name\": \"required_now\", \"type\": \"string\"}"); // no default: not BACKWARD
        registry("POST", "/groups/default/artifacts", "{\"artifactId\": \"" + probeName + "\", \"artifactType\": \"AVRO\","
                + " \"firstVersion\": {\"content\": {\"content\": " + quote(v1.toString())
                + ", \"contentType\": \"application/json\"}}}");
        registry("POST", "/groups/default/artifacts/" + probeName + "/rules",
                "{\"ruleType\": \"COMPATIBILITY\", \"config\": \"BACKWARD\"}");
        double parkedBefore = parked();

        String key = "cus_parked_" + suffix;
        GenericRecord poison = new GenericData.Record(v2);
        poison.put("id", key);
        poison.put("required_now", "x");
        byte[] poisonPayload = avro(v2, poison);
        long poisonId = insertRow(UUID.randomUUID(), key, v2, poisonPayload);
        CustomerCreated later = created(key);
        outbox.append(new OutboxMessage(UUID.fromString(later.getHeader().getEventId()), "customer.created", TOPIC, key,
                later)).block();

        try (TopicProbe<byte[]> topic = TopicProbe.raw(TOPIC); TopicProbe<byte[]> customers = TopicProbe.raw(CUSTOMERS)) {
            String other = createCustomer();
            customers.awaitOne(TopicProbe.key(other), Duration.ofSeconds(30));

            await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) AS n FROM outbox_parked WHERE id = "
                    + poisonId) == 1);
            Map<String, Object> parkedRow = db.sql("SELECT attempts, error FROM outbox_parked WHERE id = :id")
                    .bind("id", poisonId).fetch().one().block();
            assertThat(parkedRow.get("attempts")).isEqualTo(3);
            assertThat(parkedRow.get("error").toString()).contains("refused").contains("Incompatible");
            assertThat(parked()).isEqualTo(parkedBefore + 1);

            // a later event of another key gets through; the later event of the parked key still waits
            String afterParking = createCustomer();
            customers.awaitOne(TopicProbe.key(afterParking), Duration.ofSeconds(30));
            assertThat(topic.received()).noneMatch(r -> key.equals(r.key()));
            assertThat(count("SELECT count(*) AS n FROM outbox WHERE message_key = '" + key + "'")).isEqualTo(1);

            // the operator fixes the cause (here: the rule goes) and releases the row
            registry("DELETE", "/groups/default/artifacts/" + probeName + "/rules/COMPATIBILITY", null);
            assertThat(db.sql("SELECT outbox_release(ARRAY[CAST(:id AS BIGINT)]) AS released").bind("id", poisonId)
                    .map(r -> r.get("released", Integer.class)).one().block()).isEqualTo(1);

            List<ConsumerRecord<String, byte[]>> ofKey = topic.await(TopicProbe.key(key), 2, Duration.ofSeconds(30));
            assertThat(ofKey).hasSize(2);
            assertThat(Arrays.copyOfRange(ofKey.get(0).value(), 5, ofKey.get(0).value().length))
                    .as("the released row first, as written").isEqualTo(poisonPayload);
            assertThat(ccompatSchema(ByteBuffer.wrap(ofKey.get(0).value(), 1, 4).getInt())).contains("required_now");
            assertThat(ofKey.get(1).offset()).isGreaterThan(ofKey.get(0).offset());
            assertThat(new String(ofKey.get(1).headers().lastHeader("event_id").value()))
                    .isEqualTo(later.getHeader().getEventId());
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                count("SELECT count(*) AS n FROM outbox WHERE message_key = '" + key + "'") == 0
                        && count("SELECT count(*) AS n FROM outbox_parked") == 0);
    }

    private long insertRow(UUID eventId, String key, Schema writer, byte[] payload) {
        String text = writer.toString();
        byte[] fingerprint = Outbox.WriterSchema.fingerprint(text);
        db.sql("INSERT INTO outbox_schemas (fingerprint, schema_name, schema_text) VALUES (:f, :n, :t) "
                        + "ON CONFLICT DO NOTHING")
                .bind("f", fingerprint).bind("n", writer.getFullName()).bind("t", text).then().block();
        return db.sql("""
                        INSERT INTO outbox (event_id, event_type, topic, message_key, schema_name, schema_fingerprint,
                                            payload)
                        VALUES (:e, 'customer.created', :topic, :k, :n, :f, :p) RETURNING id""")
                .bind("e", eventId).bind("topic", TOPIC).bind("k", key).bind("n", writer.getFullName())
                .bind("f", fingerprint).bind("p", payload)
                .map(r -> r.get("id", Long.class)).one().block();
    }

    private String createCustomer() {
        return web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"first_name\": \"Other\"}").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private long count(String sql) {
        return db.sql(sql).map(r -> r.get("n", Long.class)).one().block();
    }

    private double parked() {
        return meters.find("masthead.outbox.parked").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static CustomerCreated created(String customerId) {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        return CustomerCreated.newBuilder()
                .setHeader(EventHeader.newBuilder().setEventId(UUID.randomUUID().toString())
                        .setEventType("customer.created").setSiteId(SITE).setOccurredAt(now).setProducer("test").build())
                .setCustomer(Customer.newBuilder().setId(customerId).setEmail(customerId + "@example.com")
                        .setFirstName("Ada").setLastName("Lovelace").setCreatedAt(now).setUpdatedAt(now).build())
                .build();
    }

    /** The id Apicurio's serializer (what the relay used before) gives this version's schema. */
    private static int currentSchemaId(SpecificRecord event) {
        try (AvroKafkaSerializer<SpecificRecord> serializer = new AvroKafkaSerializer<>()) {
            serializer.configure(AvroSerdeConfig.serializer(Engines.shared().registry().url()), false);
            return ByteBuffer.wrap(serializer.serialize(TOPIC, event), 1, 4).getInt();
        }
    }

    private static Schema withField(Schema schema, String fieldJson) {
        String json = schema.toString();
        int end = json.lastIndexOf("]");
        return new Schema.Parser().parse(json.substring(0, end) + "," + fieldJson + json.substring(end));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] avro(Schema schema, Object datum) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter(schema, org.apache.avro.specific.SpecificData.get()).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] avroString(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        encoder.writeString(text);
        encoder.flush();
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static String ccompatSchema(int id) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create(Engines.shared().registry().ccompatUrl() + "/schemas/ids/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static void registry(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(Engines.shared().registry().url() + path))
                .header("Content-Type", "application/json");
        request = body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.method(method, HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
