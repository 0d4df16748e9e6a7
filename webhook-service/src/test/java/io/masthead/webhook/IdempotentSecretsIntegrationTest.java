package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.masthead.test.engines.Engines;
import io.masthead.test.engines.StoredTextScan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * Creating an endpoint and rotating its secret with an {@code Idempotency-Key}: the responses, which carry the
 * signing secret, are replayed exactly, yet no table of any database (nor the log) holds the secret in clear or in
 * base64: the stored responses are encrypted with the service's at-rest key.
 */
class IdempotentSecretsIntegrationTest extends WebhookIntegrationTestSupport {

    @Autowired
    DatabaseClient db;

    @Test
    @SuppressWarnings("unchecked")
    void secretsInIdempotentResponsesAreReplayedButNeverStoredOrLoggedInClear() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        List<String> forms = new ArrayList<>();
        try {
            String site = newSite();
            String createKey = UUID.randomUUID().toString();
            String createBody = "{\"url\": \"" + receiver.url("/idempotent-secrets") + "\", \"enabled_events\": [\"*\"]}";
            EntityExchangeResult<Map> created = post(site, "/v1/webhook_endpoints").header("Idempotency-Key", createKey)
                    .bodyValue(createBody).exchange().expectStatus().isCreated().expectBody(Map.class).returnResult();
            String endpointId = created.getResponseBody().get("id").toString();
            String secret = created.getResponseBody().get("secret").toString();

            String rotateKey = UUID.randomUUID().toString();
            String rotatePath = "/v1/webhook_endpoints/" + endpointId + "/rotate_secret";
            Map<String, Object> rotated = post(site, rotatePath).header("Idempotency-Key", rotateKey)
                    .bodyValue("{\"grace_period_seconds\": 3600}").exchange().expectStatus().isOk()
                    .expectBody(Map.class).returnResult().getResponseBody();
            String rotatedSecret = rotated.get("secret").toString();
            assertThat(rotatedSecret).startsWith("whsec_").isNotEqualTo(secret);

            forms.addAll(StoredTextScan.formsOf(secret));
            forms.addAll(StoredTextScan.formsOf(rotatedSecret));
            // the key material after the prefix, alone, in clear or in base64
            forms.add(secret.substring("whsec_".length()));
            forms.add(rotatedSecret.substring("whsec_".length()));
            var database = Engines.shared().postgres().database("webhooks_it");
            assertThat(StoredTextScan.databases(database)).contains("webhooks_it");
            assertThat(StoredTextScan.columnsIn(database)).isGreaterThan(10);
            assertThat(StoredTextScan.everywhere(database, forms)).isEmpty();
            assertThat(db.sql("SELECT count(*) AS n FROM idempotency_keys WHERE site_id = :site AND status IS NOT NULL")
                    .bind("site", site).map(r -> r.get("n", Long.class)).one().block())
                    .as("both responses are stored (encrypted)").isEqualTo(2);

            post(site, "/v1/webhook_endpoints").header("Idempotency-Key", createKey).bodyValue(createBody).exchange()
                    .expectStatus().isCreated()
                    .expectHeader().valueEquals("Idempotent-Replayed", "true")
                    .expectHeader().valueEquals("Location", created.getResponseHeaders().getFirst("Location"))
                    .expectBody(Map.class).isEqualTo(created.getResponseBody());
            post(site, rotatePath).header("Idempotency-Key", rotateKey).bodyValue("{\"grace_period_seconds\": 3600}")
                    .exchange().expectStatus().isOk()
                    .expectHeader().valueEquals("Idempotent-Replayed", "true")
                    .expectBody(Map.class).isEqualTo(rotated);

            assertThat(db.sql("SELECT count(*) AS n FROM webhook_endpoint_secrets WHERE endpoint_id = :id")
                    .bind("id", endpointId).map(r -> r.get("n", Long.class)).one().block())
                    .as("one secret from the creation, one from the rotation: neither ran twice").isEqualTo(2);
            assertThat(list(site, "/v1/webhook_endpoints")).hasSize(1);
        } finally {
            root.detachAppender(log);
        }
        for (ILoggingEvent event : log.list) {
            String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : event.getThrowableProxy().getMessage());
            assertThat(text).doesNotContain(forms);
        }
    }
}
