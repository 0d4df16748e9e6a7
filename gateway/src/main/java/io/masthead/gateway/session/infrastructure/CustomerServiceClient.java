package io.masthead.gateway.session.infrastructure;

import io.masthead.platform.web.ProblemException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * What the gateway asks customer-service, with an internal token of the site's admin it mints itself: whether an
 * email and password are a customer's ({@code POST /internal/credentials/verify}, which the gateway never routes),
 * and whether a customer exists. customer-service unreachable or failing: 503.
 */
public class CustomerServiceClient {

    record Verified(boolean verified, String customer) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final WebClient web;

    public CustomerServiceClient(WebClient.Builder builder, URI baseUri) {
        this.web = builder.clone().baseUrl(baseUri.toString()).build();
    }

    /** The customer whose email and password these are, or empty. */
    public Mono<Optional<String>> verify(String internalToken, String email, String password) {
        return web.post().uri("/internal/credentials/verify")
                .headers(h -> h.setBearerAuth(internalToken))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", password))
                .retrieve()
                .bodyToMono(Verified.class)
                .timeout(TIMEOUT)
                .map(v -> v.verified() && v.customer() != null ? Optional.of(v.customer()) : Optional.<String>empty())
                .onErrorMap(e -> !(e instanceof ProblemException), CustomerServiceClient::unavailable);
    }

    /** Whether the site has this customer. */
    public Mono<Boolean> customerExists(String internalToken, String customerId) {
        return web.get().uri("/v1/customers/{id}", customerId)
                .headers(h -> h.setBearerAuth(internalToken))
                .retrieve()
                .toBodilessEntity()
                .timeout(TIMEOUT)
                .map(response -> true)
                .onErrorResume(WebClientResponseException.NotFound.class, e -> Mono.just(false))
                .onErrorMap(e -> !(e instanceof ProblemException), CustomerServiceClient::unavailable);
    }

    private static ProblemException unavailable(Throwable cause) {
        return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
                "Customers cannot be checked right now; try again shortly", List.of());
    }
}
