package io.masthead.customer.credential.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.validation.Violation;
import org.junit.jupiter.api.Test;

class PasswordRulesTest {

    @Test
    void eightToOneHundredTwentyEightCharactersCountedAsCharactersNotBytes() {
        assertThat(PasswordRules.check("1234567", null).list()).extracting(Violation::field).containsExactly("password");
        assertThat(PasswordRules.check("12345678", null).isEmpty()).isTrue();
        assertThat(PasswordRules.check("ü".repeat(128), null).isEmpty()).isTrue();
        assertThat(PasswordRules.check("x".repeat(129), null).list()).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("must be 8 to 128 characters"));
        // four emoji are eight UTF-16 units but four characters
        assertThat(PasswordRules.check("\uD83D\uDE00".repeat(4), null).isEmpty()).isFalse();
    }

    @Test
    void notOnlyBlanksNorTheEmailNorMissing() {
        assertThat(PasswordRules.check("         ", null).list()).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("must not be only blanks"));
        assertThat(PasswordRules.check("Lois@Example.com", "lois@example.com").list()).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("must not be the customer's email address"));
        assertThat(PasswordRules.check(null, null).list()).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("is required"));
    }
}
