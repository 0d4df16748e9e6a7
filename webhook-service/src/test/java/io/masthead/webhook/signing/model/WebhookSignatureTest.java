package io.masthead.webhook.signing.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    /** The test vector of the Standard Webhooks reference libraries (standard-webhooks/libraries, WebhookTest). */
    @Test
    void matchesTheSpecificationTestVector() {
        String signature = WebhookSignature.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}",
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void theReferenceLibraryVerifiesOurSignatureAndEachOfSeveral() throws Exception {
        String oldSecret = WebhookSignature.newSecret();
        String newSecret = WebhookSignature.newSecret();
        String body = "{\"id\":\"evt_1\",\"type\":\"customer.created\"}";
        long timestamp = Instant.now().getEpochSecond();
        String header = WebhookSignature.header("evt_1", timestamp, body, List.of(newSecret, oldSecret));

        assertThat(header.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        HttpHeaders headers = HttpHeaders.of(Map.of("webhook-id", List.of("evt_1"),
                "webhook-timestamp", List.of(Long.toString(timestamp)), "webhook-signature", List.of(header)),
                (a, b) -> true);
        new Webhook(newSecret).verify(body, headers);
        new Webhook(oldSecret).verify(body, headers);
    }

    @Test
    void theReferenceLibraryRejectsAnotherSecretOrAnotherBody() {
        String secret = WebhookSignature.newSecret();
        long timestamp = Instant.now().getEpochSecond();
        String header = WebhookSignature.sign("evt_2", timestamp, "{}", secret);
        HttpHeaders tampered = HttpHeaders.of(Map.of("webhook-id", List.of("evt_2"),
                "webhook-timestamp", List.of(Long.toString(timestamp)), "webhook-signature", List.of(header)),
                (a, b) -> true);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Webhook(secret).verify("{ }", tampered))
                .isInstanceOf(com.standardwebhooks.exceptions.WebhookVerificationException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new Webhook(WebhookSignature.newSecret()).verify("{}", tampered))
                .isInstanceOf(com.standardwebhooks.exceptions.WebhookVerificationException.class);
    }

    @Test
    void newSecretsAreWellFormedAndDistinct() {
        String a = WebhookSignature.newSecret();
        assertThat(a).startsWith("whsec_");
        assertThat(WebhookSignature.isWellFormed(a)).isTrue();
        assertThat(WebhookSignature.newSecret()).isNotEqualTo(a);
        assertThat(WebhookSignature.isWellFormed("whsec_short")).isFalse();
        assertThat(WebhookSignature.isWellFormed("sk_test_x")).isFalse();
    }
}
