package io.masthead.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

class TextInputModuleTest {

    record Nested(String line1) {
    }

    record Body(String firstName, List<String> enabledEvents, Map<String, String> metadata, Nested address) {
    }

    private final JsonMapper json = JsonMapper.builder().addModule(new TextInputModule())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private InvalidTextException refusal(String body, Class<?> type) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> json.readValue(body, type));
        assertThat(thrown).isInstanceOf(InvalidTextException.class);
        return (InvalidTextException) thrown;
    }

    @Test
    void goodTextReadsAsUsual() {
        Body body = json.readValue("""
                {"first_name": "Lois\\nLane", "enabled_events": ["customer.*"], "metadata": {"plan": "gold"},
                 "address": {"line1": "1 Main St"}}""", Body.class);
        assertThat(body.firstName()).isEqualTo("Lois\nLane");
        assertThat(body.metadata()).containsEntry("plan", "gold");
        assertThat(json.readValue("{\"a\": [\"x\", {\"b\": \"y\"}]}", JsonNode.class).get("a").get(1).get("b").asString())
                .isEqualTo("y");
    }

    @Test
    void aNulInAStringFieldIsRefusedNamingTheField() {
        InvalidTextException e = refusal("{\"first_name\": \"a\\u0000b\"}", Body.class);
        assertThat(e.field()).isEqualTo("first_name");
        assertThat(e.reason()).contains("U+0000");
    }

    @Test
    void nestedListAndMapValuesAreNamedWithTheirPath() {
        assertThat(refusal("{\"address\": {\"line1\": \"\\u0007\"}}", Body.class).field()).isEqualTo("address.line1");
        assertThat(refusal("{\"enabled_events\": [\"ok\", \"\\ud800\"]}", Body.class).field())
                .isEqualTo("enabled_events[1]");
        assertThat(refusal("{\"metadata\": {\"plan\": \"\\u0000\"}}", Body.class).field()).isEqualTo("metadata.plan");
    }

    @Test
    void mapKeysAreCheckedAndTheMapIsNamed() {
        InvalidTextException e = refusal("{\"metadata\": {\"pl\\u0000an\": \"gold\"}}", Body.class);
        assertThat(e.field()).isEqualTo("metadata");
        assertThat(e.reason()).startsWith("keys must not contain control characters");
    }

    @Test
    void treesAreCheckedEverywhere() {
        assertThat(refusal("{\"first_name\": \"\\u0000\"}", JsonNode.class).field()).isEqualTo("first_name");
        assertThat(refusal("{\"metadata\": {\"a\": \"\\u001b\"}}", JsonNode.class).field()).isEqualTo("metadata.a");
        assertThat(refusal("{\"list\": [1, [\"\\u0000\"]]}", JsonNode.class).field()).isEqualTo("list[1][0]");
        assertThat(refusal("{\"k\\u0000\": 1}", JsonNode.class).field()).isEqualTo("body");
        assertThat(refusal("\"\\u0000\"", JsonNode.class).field()).isEqualTo("body");
    }

    @Test
    void overLongTextIsRefused() {
        String huge = "x".repeat(10_001);
        assertThat(refusal("{\"first_name\": \"" + huge + "\"}", Body.class).reason())
                .isEqualTo("must be at most 10000 characters");
        assertThatThrownBy(() -> json.readValue("{\"k\": \"" + huge + "\"}", JsonNode.class))
                .isInstanceOf(InvalidTextException.class);
    }
}
