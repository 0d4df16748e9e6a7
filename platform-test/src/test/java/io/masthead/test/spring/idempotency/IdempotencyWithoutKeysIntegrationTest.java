package io.masthead.test.spring.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.test.engines.Engines;
import io.masthead.test.engines.StoredTextScan;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.web.reactive.function.client.WebClient;

/** A service without an at-rest key never stores a response that carries a secret: its replay says so. */
@MastheadIntegrationTest(database = "idempotency_sample_nokey")
@ContextConfiguration(classes = IdempotencySampleApplication.class)
class IdempotencyWithoutKeysIntegrationTest {

    @Autowired
    Environment environment;

    @Test
    void aResponseThatCarriesASecretIsNotStoredAndItsReplaySaysWhereTheResourceIs() {
        WebClient http = WebClient.builder().baseUrl("http://localhost:" + environment.getProperty("local.server.port"))
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin("site_nokey"))
                .defaultHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE).build();
        String key = UUID.randomUUID().toString();

        ResponseEntity<Map> first = http.post().uri("/v1/vaults").header("Idempotency-Key", key).bodyValue("{}")
                .retrieve().toEntity(Map.class).block(Duration.ofSeconds(20));
        String secret = (String) first.getBody().get("secret");

        assertThat(StoredTextScan.everywhere(Engines.shared().postgres().database("idempotency_sample_nokey"),
                StoredTextScan.formsOf(secret))).isEmpty();
        ResponseEntity<String> replay = http.post().uri("/v1/vaults").header("Idempotency-Key", key).bodyValue("{}")
                .exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(20));
        assertThat(replay.getStatusCode().value()).isEqualTo(409);
        assertThat(replay.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(replay.getHeaders().getLocation()).isEqualTo(first.getHeaders().getLocation());
        assertThat(replay.getBody()).contains("idempotency-response-withheld").doesNotContain(secret);
        assertThat(http.post().uri("/v1/vaults").header("Idempotency-Key", key).bodyValue("{}")
                .exchangeToMono(r -> r.toEntity(String.class)).block(Duration.ofSeconds(20)).getStatusCode().value())
                .as("the resource is not created twice").isEqualTo(409);
    }
}
