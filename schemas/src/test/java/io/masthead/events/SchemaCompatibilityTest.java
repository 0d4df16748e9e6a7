package io.masthead.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * The build's guard on event evolution: every event schema must stay BACKWARD compatible with its last
 * released version in {@code schemas/released/} (a consumer on the new schema reads every event already
 * on the topics). Record a release with {@code ./mvnw -pl schemas test -Dmasthead.schemas.release=true}.
 */
class SchemaCompatibilityTest {

    private static final Path RELEASED = Path.of("released");

    @Test
    void everyEventSchemaIsBackwardCompatibleWithItsReleasedVersion() throws IOException {
        boolean release = Boolean.getBoolean("masthead.schemas.release");
        List<String> problems = new ArrayList<>();
        for (Topics topic : Topics.values()) {
            for (Map.Entry<String, Schema> event : topic.eventTypes().entrySet()) {
                Schema current = event.getValue();
                Path file = RELEASED.resolve(current.getFullName() + ".avsc");
                if (release) {
                    Files.createDirectories(RELEASED);
                    Files.writeString(file, current.toString(true) + "\n");
                    continue;
                }
                if (!Files.exists(file)) {
                    problems.add(event.getKey() + ": no released version in " + file
                            + " (new event type? record a release)");
                    continue;
                }
                Schema released = new Schema.Parser().parse(file.toFile());
                problems.addAll(incompatibilities(event.getKey(), current, released));
            }
        }
        assertThat(problems).as("schema changes that break consumers").isEmpty();
    }

    @Test
    void theCheckRefusesANewFieldWithoutADefault() throws IOException {
        Schema released = new Schema.Parser().parse(RELEASED.resolve(
                "io.masthead.events.customer.CustomerCreated.avsc").toFile());
        Schema broken = withExtraHeaderField(released, false);
        assertThat(incompatibilities("customer.created", broken, released))
                .singleElement().asString().contains("tenant_region");
    }

    @Test
    void theCheckAcceptsANewFieldWithADefault() throws IOException {
        Schema released = new Schema.Parser().parse(RELEASED.resolve(
                "io.masthead.events.customer.CustomerCreated.avsc").toFile());
        assertThat(incompatibilities("customer.created", withExtraHeaderField(released, true), released)).isEmpty();
    }

    @Test
    void everyEventCarriesTheSharedHeader() {
        for (Topics topic : Topics.values()) {
            topic.eventTypes().forEach((name, schema) -> {
                assertThat(schema.getField("header")).as(name).isNotNull();
                assertThat(schema.getField("header").schema()).isEqualTo(EventHeader.getClassSchema());
            });
        }
    }

    @Test
    void eventNamesAreUniqueAcrossTopics() {
        List<String> all = Topics.allEventTypes();
        assertThat(all).doesNotHaveDuplicates().contains("customer.created", "address.updated");
    }

    static List<String> incompatibilities(String eventType, Schema reader, Schema writer) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        return result.getIncompatibilities().stream()
                .map(i -> eventType + ": " + i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .toList();
    }

    /** The released schema with one more header field, with or without a default. */
    private static Schema withExtraHeaderField(Schema event, boolean withDefault) {
        Schema header = event.getField("header").schema();
        List<Schema.Field> headerFields = new ArrayList<>();
        for (Schema.Field f : header.getFields()) {
            headerFields.add(new Schema.Field(f, f.schema()));
        }
        headerFields.add(withDefault
                ? new Schema.Field("tenant_region", SchemaBuilder.builder().stringType(), null, "eu")
                : new Schema.Field("tenant_region", SchemaBuilder.builder().stringType(), null));
        Schema newHeader = Schema.createRecord(header.getName(), header.getDoc(), header.getNamespace(), false,
                headerFields);
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : event.getFields()) {
            fields.add(f.name().equals("header") ? new Schema.Field(f.name(), newHeader, f.doc())
                    : new Schema.Field(f, f.schema()));
        }
        return Schema.createRecord(event.getName(), event.getDoc(), event.getNamespace(), false, fields);
    }
}
