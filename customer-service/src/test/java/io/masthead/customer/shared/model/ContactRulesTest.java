package io.masthead.customer.shared.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContactRulesTest {

    @ParameterizedTest(name = "accepts the migration guide's phone example {0}")
    @ValueSource(strings = {"0015141234567", "+15141234567", "+1.514.123.4567", "+1-514-123-4567", "(514)1234567",
        "514112-2233", "(514)-112-2233", "5051122233", "12345678901234567890"})
    void acceptsPhonesOfTheGuide(String phone) {
        assertThat(ContactRules.isPhone(phone)).isTrue();
    }

    @ParameterizedTest(name = "refuses phone {0}")
    @ValueSource(strings = {"514-CALL-NOW", "123456789012345678901", "1+5141234567", "+", "()", "514 123 4567 x12",
        "+1/514/123"})
    void refusesLettersMisplacedPlusAndMoreThanTwentyDigits(String phone) {
        assertThat(ContactRules.isPhone(phone)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jane@example.com", "gerard.cassano+news@mail.example.co.uk", "a@b.io"})
    void acceptsEmails(String email) {
        assertThat(ContactRules.isEmail(email)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jane", "jane@", "@example.com", "jane@example", "jane doe@example.com", "a@b@c.com",
        "jane@.com"})
    void refusesMalformedEmails(String email) {
        assertThat(ContactRules.isEmail(email)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void blankCellsMeanNoValue() {
        assertThat(ContactRules.clean("   ")).isNull();
        assertThat(ContactRules.clean(" Jane ")).isEqualTo("Jane");
        assertThat(ContactRules.clean(null)).isNull();
    }
}
