package io.masthead.webhook.endpoint.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.masthead.webhook.endpoint.model.SecretRotation.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretRotationTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final Secret first = new Secret("s1", "whsec_first", T0, null);

    @Test
    void theOldSecretKeepsSigningBesideTheNewOneForTheGracePeriod() {
        Instant now = T0.plus(Duration.ofDays(10));
        Secret second = new Secret("s2", "whsec_second", now, null);
        List<Secret> after = SecretRotation.rotate(List.of(first), second, now, Duration.ofHours(24));

        assertThat(SecretRotation.signingSecrets(after, now)).containsExactly("whsec_second", "whsec_first");
        assertThat(SecretRotation.signingSecrets(after, now.plus(Duration.ofHours(23)))).hasSize(2);
        assertThat(SecretRotation.signingSecrets(after, now.plus(Duration.ofHours(24)))).containsExactly("whsec_second");
    }

    @Test
    void aSecondRotationNeverExtendsAnExpiryAndDropsExpiredSecrets() {
        Instant t1 = T0.plus(Duration.ofHours(1));
        List<Secret> once = SecretRotation.rotate(List.of(first), new Secret("s2", "whsec_2", t1, null), t1,
                Duration.ofHours(2));
        Instant t2 = t1.plus(Duration.ofHours(1));
        List<Secret> twice = SecretRotation.rotate(once, new Secret("s3", "whsec_3", t2, null), t2, Duration.ofHours(24));
        assertThat(twice).extracting(Secret::id).containsExactly("s3", "s2", "s1");
        assertThat(twice.get(2).expiresAt()).isEqualTo(t1.plus(Duration.ofHours(2)));
        assertThat(twice.get(1).expiresAt()).isEqualTo(t2.plus(Duration.ofHours(24)));

        Instant t3 = t2.plus(Duration.ofHours(30));
        List<Secret> later = SecretRotation.rotate(twice, new Secret("s4", "whsec_4", t3, null), t3, Duration.ofHours(1));
        assertThat(later).extracting(Secret::id).containsExactly("s4", "s3");
    }

    @Test
    void zeroGraceRetiresTheOldSecretAtOnceAndGraceIsBounded() {
        List<Secret> after = SecretRotation.rotate(List.of(first), new Secret("s2", "whsec_2", T0, null), T0,
                Duration.ZERO);
        assertThat(after).extracting(Secret::id).containsExactly("s2");
        assertThatThrownBy(() -> SecretRotation.rotate(List.of(first), first, T0, Duration.ofDays(8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
