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

    @Test
    void typedFieldsAreReadStrictlyAndEveryWrongTypeIsNamedTogether() {
        Set<String> fields = Set.of("flag", "count", "amount", "names", "at", "bad_flag", "bad_count", "big_count",
                "bad_amount", "bad_names", "bad_item", "bad_at", "cleared");
        Patch patch = Patch.of(JSON.readTree("""
                {"flag": true, "count": 7, "amount": 99999999999, "names": ["a", "b"], "at": "2030-01-31T00:00:00Z",
                 "bad_flag": "true", "bad_count": 1.5, "big_count": 99999999999, "bad_amount": "12",
                 "bad_names": "a", "bad_item": ["a", 2], "bad_at": "tomorrow", "cleared": null}"""), fields);
        assertThat(patch.flag("flag")).isTrue();
        assertThat(patch.integer("count")).isEqualTo(7);
        assertThat(patch.whole("amount")).isEqualTo(99_999_999_999L);
        assertThat(patch.strings("names")).containsExactly("a", "b");
        assertThat(patch.instant("at")).isEqualTo(java.time.Instant.parse("2030-01-31T00:00:00Z"));
        assertThat(patch.flag("cleared")).isNull();
        assertThat(patch.integer("cleared")).isNull();
        assertThat(patch.instant("cleared")).isNull();
        assertThat(patch.strings("cleared")).isEmpty();
        assertThat(patch.flag("absent")).isNull();
        patch.throwIfInvalid(); // nothing wrong read so far

        assertThat(patch.flag("bad_flag")).isNull();
        assertThat(patch.integer("bad_count")).isNull();
        assertThat(patch.integer("big_count")).isNull();
        assertThat(patch.whole("bad_amount")).isNull();
        assertThat(patch.strings("bad_names")).isEmpty();
        assertThat(patch.strings("bad_item")).containsExactly("a");
        assertThat(patch.instant("bad_at")).isNull();
        patch.rejectNull("cleared", "absent", "at");
        patch.rejectAll(java.util.List.of(new io.masthead.platform.validation.Violation("meta.key", "too long")));
        assertThatThrownBy(patch::throwIfInvalid).isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).violations())
                        .extracting(io.masthead.platform.validation.Violation::field)
                        .containsExactly("bad_flag", "bad_count", "big_count", "bad_amount", "bad_names",
                                "bad_item.1", "bad_at", "cleared", "meta.key"));
    }
}
