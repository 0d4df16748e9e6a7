package io.masthead.platform.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailsTest {

    @Test
    void surroundingBlanksGoAndAsciiLettersAreLowerCased() {
        assertThat(Emails.normalized("  Lois.Lane@DailyPlanet.EXAMPLE\t")).isEqualTo("lois.lane@dailyplanet.example");
        assertThat(Emails.normalized("lois@dailyplanet.example")).isEqualTo("lois@dailyplanet.example");
        assertThat(Emails.normalized(null)).isNull();
    }

    @Test
    void nothingButAsciiLettersChangesCase() {
        // no Unicode case folding: these stay as given (Java, PostgreSQL collations and mail systems disagree on it)
        assertThat(Emails.normalized("ÉLOISE@example.com")).isEqualTo("Éloise@example.com");
        assertThat(Emails.normalized("KELVIN\u212A@example.com")).isEqualTo("kelvin\u212A@example.com");
        assertThat(Emails.normalized("İ@example.com")).isEqualTo("İ@example.com");
    }
}
