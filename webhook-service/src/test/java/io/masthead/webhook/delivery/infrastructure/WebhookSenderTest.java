package io.masthead.webhook.delivery.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import io.masthead.webhook.delivery.model.AttemptOutcome;
import io.masthead.webhook.delivery.model.AttemptOutcome.Kind;
import io.masthead.webhook.signing.model.WebhookSignature;
import io.masthead.webhook.ssrf.infrastructure.AddressGuard;
import io.masthead.webhook.ssrf.model.AddressPolicy;
import io.masthead.webhook.support.TestReceiver;
import io.masthead.webhook.support.TestReceiver.Reply;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The HTTP side of an attempt against a real local receiver; signatures checked by the reference library. */
class WebhookSenderTest {

    private static final TestReceiver receiver = new TestReceiver();
    private static final AddressGuard loopbackAllowed = new AddressGuard(AddressPolicy.allowing(List.of("127.0.0.0/8")));
    private static final WebhookSender sender = new WebhookSender(loopbackAllowed, Clock.systemUTC(),
            Duration.ofSeconds(1), Duration.ofMillis(500), 16, 8);

    @AfterAll
    static void close() {
        sender.close();
        loopbackAllowed.close();
        receiver.close();
    }

    private static HttpHeaders headers(TestReceiver.Request request) {
        return HttpHeaders.of(Map.of(
                "webhook-id", List.of(request.header("webhook-id")),
                "webhook-timestamp", List.of(request.header("webhook-timestamp")),
                "webhook-signature", List.of(request.header("webhook-signature"))), (a, b) -> true);
    }

    @Test
    void postsTheBodyWithStandardWebhooksHeadersThatEverySecretVerifies() throws Exception {
        String current = WebhookSignature.newSecret();
        String previous = WebhookSignature.newSecret();
        String body = "{\"id\":\"evt_x\",\"type\":\"customer.created\",\"data\":{\"object\":{\"name\":\"Zoë\"}}}";

        AttemptOutcome outcome = sender.send(receiver.url("/signed"), "evt_x", body, List.of(current, previous))
                .block(Duration.ofSeconds(5));

        assertThat(outcome.succeeded()).isTrue();
        TestReceiver.Request request = receiver.requests("/signed").getFirst();
        assertThat(request.body()).isEqualTo(body);
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.header("webhook-id")).isEqualTo("evt_x");
        assertThat(request.header("webhook-signature").split(" ")).hasSize(2);
        new Webhook(current).verify(request.body(), headers(request));
        new Webhook(previous).verify(request.body(), headers(request));
    }

    @Test
    void redirectsAreNotFollowed() {
        receiver.script("/moved", n -> Reply.status(302).withHeader("Location", receiver.url("/target")));
        AttemptOutcome outcome = sender.send(receiver.url("/moved"), "evt_r", "{}", List.of(WebhookSignature.newSecret()))
                .block(Duration.ofSeconds(5));
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.statusCode()).isEqualTo(302);
        assertThat(outcome.error()).contains("redirects are not followed");
        assertThat(receiver.requests("/target")).isEmpty();
    }

    @Test
    void noAnswerInTimeIsATimeout() {
        receiver.script("/hang", n -> Reply.hang());
        AttemptOutcome outcome = sender.send(receiver.url("/hang"), "evt_h", "{}", List.of(WebhookSignature.newSecret()))
                .block(Duration.ofSeconds(5));
        assertThat(outcome.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(outcome.durationMillis()).isBetween(400L, 3000L);
    }

    @Test
    void keepsOnlyTheStartOfTheResponseBodyAndTheRetryAfter() {
        receiver.script("/busy", n -> Reply.status(429).withHeader("Retry-After", "90").withBody("x".repeat(10_000)));
        AttemptOutcome outcome = sender.send(receiver.url("/busy"), "evt_b", "{}", List.of(WebhookSignature.newSecret()))
                .block(Duration.ofSeconds(5));
        assertThat(outcome.statusCode()).isEqualTo(429);
        assertThat(outcome.responseBody()).isEqualTo("x".repeat(16));
        assertThat(outcome.retryAfter()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void aClosedPortIsAConnectionError() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        AttemptOutcome outcome = sender.send("http://127.0.0.1:" + port + "/", "evt_c", "{}",
                List.of(WebhookSignature.newSecret())).block(Duration.ofSeconds(5));
        assertThat(outcome.kind()).isEqualTo(Kind.CONNECTION_ERROR);
    }

    @Test
    void withoutAnAllowanceLoopbackIsRefusedAtConnectionTimeAndNothingIsSent() {
        try (AddressGuard strict = new AddressGuard(new AddressPolicy(List.of()));
             WebhookSender guarded = new WebhookSender(strict, Clock.systemUTC(), Duration.ofSeconds(1),
                     Duration.ofSeconds(1), 16, 8)) {
            for (String url : List.of(receiver.url("/private"), receiver.url("/private").replace("127.0.0.1", "localhost"))) {
                AttemptOutcome outcome = guarded.send(url, "evt_p", "{}", List.of(WebhookSignature.newSecret()))
                        .block(Duration.ofSeconds(5));
                assertThat(outcome.kind()).as(url).isEqualTo(Kind.ADDRESS_REFUSED);
            }
            assertThat(receiver.requests("/private")).isEmpty();
        }
    }

    @Test
    void truncationNeverCutsACharacterInHalf() {
        byte[] bytes = "aé€".getBytes(java.nio.charset.StandardCharsets.UTF_8); // 1 + 2 + 3 bytes
        assertThat(WebhookSender.truncatedUtf8(java.util.Arrays.copyOf(bytes, 2))).isEqualTo("a");
        assertThat(WebhookSender.truncatedUtf8(java.util.Arrays.copyOf(bytes, 3))).isEqualTo("aé");
        assertThat(WebhookSender.truncatedUtf8(java.util.Arrays.copyOf(bytes, 5))).isEqualTo("aé");
        assertThat(WebhookSender.truncatedUtf8(bytes)).isEqualTo("aé€");
    }
}
