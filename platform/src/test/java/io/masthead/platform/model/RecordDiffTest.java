package io.masthead.platform.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordDiffTest {

    record Profile(String firstName, String email, Map<String, String> metadata) {
    }

    @Test
    void namesTheChangedComponentsInSnakeCase() {
        Profile before = new Profile("Jane", "j@example.com", Map.of());
        assertThat(RecordDiff.changedFields(before, new Profile("Janet", "j@example.com", Map.of("a", "b"))))
                .containsExactly("first_name", "metadata");
        assertThat(RecordDiff.changedFields(before, before)).isEmpty();
    }
}
