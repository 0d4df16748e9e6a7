package io.masthead.platform.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncryptionKeyTest {

    private static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String KEY_B = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void keysAreReadOnePerLineTheCurrentOneFirst() {
        List<EncryptionKey> keys = EncryptionKey.parseLines("""
                # webhook secret keys
                2026-02:%s

                  2025-11 : %s
                """.formatted(KEY_B, KEY_A));

        assertThat(keys).extracting(EncryptionKey::id).containsExactly("2026-02", "2025-11");
        assertThat(keys.getFirst().material()).isEqualTo(Base64.getDecoder().decode(KEY_B));
    }

    @Test
    void errorsNameTheLineAndNeverTheKey() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> EncryptionKey.parseLines("k1:" + KEY_A + "\nk2:" + shortKey))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 2: key 'k2' must be 32 bytes (AES-256), not 16");
        assertThatThrownBy(() -> EncryptionKey.parseLines(KEY_A)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 1: expected <key id>:<base64 key>");
        assertThatThrownBy(() -> EncryptionKey.parseLines("k1:not base64!"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("line 1: key 'k1' is not valid base64");
        assertThatThrownBy(() -> EncryptionKey.parseLines("has space:" + KEY_A))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("line 1: a key id must be")
                .hasMessageNotContaining(KEY_A);
        // a key and its id swapped by mistake: the error must not print the key in place of an id
        String swapped = Base64.getEncoder().encodeToString(new byte[32]).replace("=", "") + "+/x";
        assertThatThrownBy(() -> EncryptionKey.fromBase64(swapped, KEY_A)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(swapped);
    }

    @Test
    void theIdIsShortAndCannotHoldTheSeparator() {
        assertThatThrownBy(() -> EncryptionKey.fromBase64("a:b", KEY_A)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EncryptionKey.fromBase64("x".repeat(33), KEY_A))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EncryptionKey.fromBase64("", KEY_A)).isInstanceOf(IllegalArgumentException.class);
        assertThat(EncryptionKey.fromBase64("x".repeat(32), KEY_A).id()).hasSize(32);
    }

    @Test
    void theMaterialIsCopiedAndNeverPrinted() {
        byte[] material = Base64.getDecoder().decode(KEY_B);
        EncryptionKey key = new EncryptionKey("k1", material);
        material[0] = 'X';
        key.material()[1] = 'Y';

        assertThat(key.material()).isEqualTo(Base64.getDecoder().decode(KEY_B));
        assertThat(key.toString()).isEqualTo("EncryptionKey[id=k1]");
    }
}
