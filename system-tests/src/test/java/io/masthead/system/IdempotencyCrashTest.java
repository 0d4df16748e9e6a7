package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.test.engines.DatabaseCoordinates;
import io.masthead.test.platform.PlatformUnderTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * A service killed (SIGKILL) in the middle of a request with an {@code Idempotency-Key} leaves its claim behind.
 * The retry is told to wait (409 with {@code Retry-After}) while the claim's lease runs, then takes the claim over
 * and runs the request once: the key is never stuck, and nothing is created twice.
 */
class IdempotencyCrashTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final PlatformUnderTest platform = PlatformUnderTest.shared();

    @Test
    void aRequestWhoseServiceWasKilledIsRunOnceByItsRetryAfterTheLease() throws Exception {
        PlatformUnderTest.Site site = platform.createSite("Crash " + UUID.randomUUID());
        Map<?, ?> customer = Gateway.as(site.secretKey()).post().uri("/v1/customers")
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"first_name\": \"Crash\"}").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String customerId = (String) customer.get("id");
        String key = "crash-" + UUID.randomUUID();
        String body = "{\"type\": \"billing\", \"line1\": \"1 Crash Lane\", \"country\": \"CA\", \"state\": \"QC\"}";
        DatabaseCoordinates db = platform.databases().get("customer-service");

        try (Connection lock = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            // hold the customer row, so the address create (which locks its customer first) waits mid-request
            lock.setAutoCommit(false);
            try (PreparedStatement ps = lock.prepareStatement("SELECT id FROM customers WHERE id = ? FOR UPDATE")) {
                ps.setString(1, customerId);
                ps.executeQuery().close();
            }
            CompletableFuture<HttpResponse<String>> abandoned = HTTP.sendAsync(post(site, customerId, key, body),
                    HttpResponse.BodyHandlers.ofString());
            awaitClaim(db, key);

            platform.stop("customer-service", true);
            lock.rollback();
            assertThat(abandoned.get().statusCode()).as("the gateway's answer to a request whose service died")
                    .isGreaterThanOrEqualTo(500);
        }
        platform.start("customer-service");

        // the retry: 409 with Retry-After while the dead request's lease runs, then it runs, once
        List<Integer> answers = new ArrayList<>();
        long deadline = System.nanoTime() + PlatformUnderTest.IDEMPOTENCY_LEASE.plusSeconds(30).toNanos();
        HttpResponse<String> retry;
        while (true) {
            retry = HTTP.send(post(site, customerId, key, body), HttpResponse.BodyHandlers.ofString());
            answers.add(retry.statusCode());
            if (retry.statusCode() != 409 || System.nanoTime() > deadline) {
                break;
            }
            String retryAfter = retry.headers().firstValue("Retry-After").orElse(null);
            assertThat(retryAfter).as("a 409 says when to retry").isNotNull();
            Thread.sleep(Duration.ofSeconds(Long.parseLong(retryAfter)).toMillis()); // as a client would
        }
        assertThat(retry.statusCode()).as("answers to the retries: %s", answers).isEqualTo(201);
        assertThat(addresses(db, customerId)).as("the address exists once").isEqualTo(1);

        HttpResponse<String> again = HTTP.send(post(site, customerId, key, body), HttpResponse.BodyHandlers.ofString());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(again.body()).isEqualTo(retry.body());
        assertThat(addresses(db, customerId)).isEqualTo(1);
    }

    private HttpRequest post(PlatformUnderTest.Site site, String customerId, String key, String body) {
        return HttpRequest.newBuilder(URI.create(platform.gatewayUrl() + "/v1/customers/" + customerId + "/addresses"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + site.secretKey()).header("Content-Type", "application/json")
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The positive marker that the request is under way: its claim is in the service's database. */
    private static void awaitClaim(DatabaseCoordinates db, String key) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM idempotency_keys WHERE idempotency_key = ? AND status IS NULL")) {
            ps.setString(1, key);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 1) {
                        return;
                    }
                }
                assertThat(System.nanoTime()).as("the claim of the request appears").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private static long addresses(DatabaseCoordinates db, String customerId) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM addresses WHERE customer_id = ?")) {
            ps.setString(1, customerId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
