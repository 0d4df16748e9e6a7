package io.masthead.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void quotesOnlyWhatNeedsQuotingAsRfc4180Says() {
        assertThat(Csv.line("cus_1", null, "Jane", 42)).isEqualTo("cus_1,,Jane,42\r\n");
        assertThat(Csv.line("a,b", "say \"hi\"", "two\nlines")).isEqualTo("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
    }
}
