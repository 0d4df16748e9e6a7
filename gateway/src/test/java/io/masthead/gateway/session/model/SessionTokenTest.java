package io.masthead.gateway.session.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionTokenTest {

    @Test
    void aTokenIsLongRandomAndPrefixedByItsModeAndNeverShownByToString() {
        SessionToken test = SessionToken.generate(false, new SecureRandom());
        SessionToken live = SessionToken.generate(true, new SecureRandom());
        assertThat(test.reveal()).startsWith("cst_test_").hasSize(9 + SessionToken.RANDOM_LENGTH);
        assertThat(live.reveal()).startsWith("cst_live_");
        assertThat(live.livemode()).isTrue();
        assertThat(test.toString()).isEqualTo("cst_test_…");
        assertThat(test.hash()).hasSize(64).isNotEqualTo(live.hash());
        assertThat(SessionToken.parse(test.reveal()).orElseThrow().hash()).isEqualTo(test.hash());
    }

    @Test
    void onlyTheExactShapeParses() {
        assertThat(SessionToken.parse("cst_test_short")).isEmpty();
        assertThat(SessionToken.parse("cst_prod_" + "a".repeat(43))).isEmpty();
        assertThat(SessionToken.parse("cst_test_" + "a".repeat(42) + "-")).isEmpty();
        assertThat(SessionToken.parse(null)).isEmpty();
    }

    @Test
    void aSessionIsActiveBeforeItsExpiryAndUntilRevoked() {
        Instant start = Instant.parse("2026-05-04T09:30:00Z");
        CustomerSession session = new CustomerSession("cse_1", "site_1", false, "cus_1", CustomerSession.ORIGIN_LOGIN,
                "key_1", start, start.plusSeconds(3600), null);
        assertThat(session.activeAt(start)).isTrue();
        assertThat(session.activeAt(start.plusSeconds(3599))).isTrue();
        assertThat(session.activeAt(start.plusSeconds(3600))).isFalse();
        CustomerSession revoked = new CustomerSession("cse_1", "site_1", false, "cus_1", CustomerSession.ORIGIN_LOGIN,
                "key_1", start, start.plusSeconds(3600), start.plusSeconds(5));
        assertThat(revoked.activeAt(start.plusSeconds(10))).isFalse();
    }
}
