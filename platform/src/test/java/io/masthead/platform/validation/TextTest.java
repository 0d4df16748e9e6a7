package io.masthead.platform.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void ordinaryTextOfEveryScriptIsAccepted() {
        assertThat(Text.problem("Gérard Cassano")).isNull();
        assertThat(Text.problem("東京都 渋谷区")).isNull();
        assertThat(Text.problem("مرحبا")).isNull();
        assertThat(Text.problem("emoji 📰 and combining e\u0301")).isNull();
        assertThat(Text.problem("line one\nline two\r\n\tindented")).isNull();
        assertThat(Text.problem(null)).isNull();
        assertThat(Text.problem("")).isNull();
    }

    @Test
    void nulAndOtherControlCharactersAreRefused() {
        assertThat(Text.problem("a\u0000b")).contains("control characters").contains("U+0000");
        assertThat(Text.problem("bell\u0007")).contains("U+0007");
        assertThat(Text.problem("esc\u001b[31m")).contains("U+001B");
        assertThat(Text.problem("del\u007f")).contains("U+007F");
        assertThat(Text.problem("c1\u0085")).contains("U+0085");
    }

    @Test
    void unpairedSurrogatesAreRefusedButPairsAreCharacters() {
        assertThat(Text.problem("lone \ud800 high")).contains("unpaired surrogate");
        assertThat(Text.problem("lone \udc00 low")).contains("unpaired surrogate");
        assertThat(Text.problem("ends high \ud83d")).contains("unpaired surrogate");
        assertThat(Text.problem("reversed \udcf0\ud83d")).contains("unpaired surrogate");
        assertThat(Text.problem("pair \ud83d\udcf0")).isNull();
    }

    @Test
    void lengthIsLimited() {
        assertThat(Text.problem("x".repeat(Text.MAX_LENGTH))).isNull();
        assertThat(Text.problem("x".repeat(Text.MAX_LENGTH + 1))).isEqualTo("must be at most 10000 characters");
        assertThat(Text.problem("abcd", 3)).isEqualTo("must be at most 3 characters");
    }
}
