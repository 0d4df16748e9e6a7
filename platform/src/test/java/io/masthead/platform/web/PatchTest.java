package io.masthead.platform.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.masthead.platform.validation.ValidationException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class PatchTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> FIELDS = Set.of("email", "phone", "metadata");

    @Test
    void absentKeepsNullClearsValueReplaces() {
        Patch patch = Patch.of(JSON.readTree("{\"email\": \"a@b.io\", \"phone\": null}"), FIELDS);
        assertThat(patch.has("email")).isTrue();
        assertThat(patch.text("email")).isEqualTo("a@b.io");
        assertThat(patch.has("phone")).isTrue();
        assertThat(patch.text("phone")).isNull();
        assertThat(patch.has("metadata")).isFalse();
        patch.throwIfInvalid();
    }

    @Test
    void unknownFieldsAreRefusedBeforeAnythingChanges() {
        assertThatThrownBy(() -> Patch.of(JSON.readTree("{\"email\": \"a@b.io\", \"nick\": 1}"), FIELDS))
                .isInstanceOf(ValidationException.class).hasMessageContaining("nick");
        assertThatThrownBy(() -> Patch.of(JSON.readTree("[1]"), FIELDS)).isInstanceOf(ValidationException.class);
    }

    @Test
    void wrongTypesAreNamed() {
        Patch patch = Patch.of(JSON.readTree("{\"email\": 5, \"metadata\": {\"a\": \"x\", \"b\": 2}}"), FIELDS);
        patch.text("email");
        assertThat(patch.stringMap("metadata")).containsOnlyKeys("a");
        assertThatThrownBy(patch::throwIfInvalid).isInstanceOf(ValidationException.class)
                .hasMessageContaining("email").hasMessageContaining("metadata.b");
    }
}
