package io.masthead.gateway.apikey.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretKeyTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void aTestKeyIsSkTestAnd32Base62Characters() {
        SecretKey key = SecretKey.generate(false, random);

        assertThat(key.reveal()).matches("sk_test_[0-9A-Za-z]{32}");
        assertThat(key.livemode()).isFalse();
        assertThat(key.prefix()).hasSize(12).isEqualTo(key.reveal().substring(0, 12)).startsWith("sk_test_");
    }

    @Test
    void aLiveKeyIsSkLive() {
        SecretKey key = SecretKey.generate(true, random);

        assertThat(key.reveal()).matches("sk_live_[0-9A-Za-z]{32}");
        assertThat(key.livemode()).isTrue();
        assertThat(SecretKey.isLivePrefix(key.prefix())).isTrue();
    }

    @Test
    void keysDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(SecretKey.generate(false, random).reveal())).isTrue();
        }
    }

    @Test
    void everyBase62CharacterIsUsed() {
        Set<Character> used = new HashSet<>();
        SplittableRandom seeded = new SplittableRandom(42);
        for (int i = 0; i < 200; i++) {
            SecretKey.generate(false, seeded).reveal().substring(8).chars().forEach(c -> used.add((char) c));
        }
        assertThat(used).hasSize(62);
    }

    @Test
    void theHashIsTheHexSha256OfTheWholeKey() {
        SecretKey key = SecretKey.parse("sk_test_" + "a".repeat(32)).orElseThrow();

        // printf 'sk_test_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' | sha256sum
        assertThat(key.hash()).isEqualTo("654a7bcb23f05395e037d51904cacfc353aa386e3ef60a9a44c74c928115abae");
        assertThat(SecretKey.hashOf("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(SecretKey.parse("sk_test_" + "b".repeat(32)).orElseThrow().hash()).isNotEqualTo(key.hash());
    }

    @Test
    void parsingAcceptsWhatGenerationProduces() {
        SecretKey key = SecretKey.generate(true, random);

        assertThat(SecretKey.parse(key.reveal())).contains(key);
        assertThat(SecretKey.parse(key.reveal()).orElseThrow().hash()).isEqualTo(key.hash());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"sk_test_short", "sk_prod_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "pk_test_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "sk_test_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a", " sk_test_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "sk_test_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "SK_TEST_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "sk_test_ááááááááááááááááááááááááááááááá"})
    void parsingRejectsAnythingElse(String candidate) {
        assertThat(SecretKey.parse(candidate)).isEmpty();
    }

    @Test
    void parsingRejectsAbsurdlyLongKeys() {
        assertThat(SecretKey.parse("sk_test_" + "a".repeat(121))).isEmpty();
        assertThat(SecretKey.parse("sk_test_" + "a".repeat(120))).isPresent();
    }

    @Test
    void theSecretNeverShowsInToString() {
        SecretKey key = SecretKey.generate(false, random);

        assertThat(key.toString()).isEqualTo(key.prefix() + "…").doesNotContain(key.reveal());
    }
}
