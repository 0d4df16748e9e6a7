package io.masthead.subscription.customer.infrastructure;

import io.masthead.platform.security.InternalToken;
import io.masthead.subscription.customer.model.AddressType;
import io.masthead.subscription.customer.model.KnownAddress;
import io.masthead.subscription.customer.model.KnownCustomer;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Asks customer-service's public API for one customer ({@code GET /v1/customers/{id}}) or address
 * ({@code GET /v1/addresses/{id}}) on behalf of the caller of the current request: its internal token (issuer
 * {@code masthead-gateway}, audience {@code masthead-services}, which every service accepts) is forwarded as it
 * came, so customer-service scopes the answer to the caller's site and applies its own access rules.
 *
 * <p>Answers: the resource; empty when customer-service does not know it for this caller (404, or 403 for a
 * customer who is not the caller), or when there is no token of the caller's site in the current request (a call
 * outside a request cannot be made for anyone); {@link Unavailable} when customer-service cannot answer
 * (unreachable, too slow, 5xx, 429, or an answer it should never give).
 */
public class CustomerServiceClient {

    private static final Logger log = LoggerFactory.getLogger(CustomerServiceClient.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final WebClient web;
    private final ConnectionProvider connections;
    private final Duration timeout;

    public CustomerServiceClient(CustomerServiceProperties properties) {
        this.connections = ConnectionProvider.builder("customer-service").maxConnections(50)
                .pendingAcquireTimeout(properties.connectTimeout().plus(properties.responseTimeout()))
                .maxIdleTime(Duration.ofSeconds(30)).build();
        HttpClient http = HttpClient.create(connections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
                .responseTimeout(properties.responseTimeout());
        this.web = WebClient.builder().baseUrl(properties.uri().toString())
                .clientConnector(new ReactorClientHttpConnector(http)).build();
        this.timeout = properties.connectTimeout().plus(properties.responseTimeout()).plusSeconds(1);
    }

    /** customer-service could not answer. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public Mono<KnownCustomer> customer(String siteId, String id) {
        return get(siteId, "/v1/customers/{id}", id, json -> toCustomer(siteId, json));
    }

    public Mono<KnownAddress> address(String siteId, String id) {
        return get(siteId, "/v1/addresses/{id}", id, json -> toAddress(siteId, json));
    }

    private <T> Mono<T> get(String siteId, String path, String id, Function<JsonNode, T> read) {
        return callerToken(siteId).flatMap(token -> web.get().uri(path, id)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                        .accept(MediaType.APPLICATION_JSON)
                        .exchangeToMono(response -> answer(response, path, read))
                        .timeout(timeout))
                .onErrorMap(CustomerServiceClient::cannotAnswer,
                        e -> new Unavailable("customer-service did not answer GET " + path.replace("{id}", id)
                                + ": " + e, e));
    }

    private static <T> Mono<T> answer(ClientResponse response, String path, Function<JsonNode, T> read) {
        HttpStatus status = HttpStatus.resolve(response.statusCode().value());
        if (status == HttpStatus.OK) {
            return response.bodyToMono(String.class).map(body -> read.apply(JSON.readTree(body)));
        }
        if (status == HttpStatus.NOT_FOUND || status == HttpStatus.FORBIDDEN) {
            return response.releaseBody().then(Mono.empty());
        }
        if (status == HttpStatus.UNAUTHORIZED) {
            // the caller's token was good enough for this service, not for customer-service: keys or clocks differ
            log.warn("customer-service refused the caller's internal token on {}", path);
        }
        return response.releaseBody().then(Mono.error(new Unavailable("customer-service answered "
                + response.statusCode().value() + " on " + path, null)));
    }

    private static boolean cannotAnswer(Throwable e) {
        return e instanceof WebClientException || e instanceof TimeoutException || e instanceof JacksonException
                || e instanceof DateTimeParseException || e instanceof IllegalArgumentException;
    }

    /** The internal token of the current request, when it is one of {@code siteId}. */
    private static Mono<String> callerToken(String siteId) {
        return ReactiveSecurityContextHolder.getContext()
                .map(SecurityContext::getAuthentication)
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(authentication -> ((JwtAuthenticationToken) authentication).getToken())
                .filter(jwt -> siteId.equals(jwt.getClaimAsString(InternalToken.CLAIM_SITE)))
                .map(jwt -> jwt.getTokenValue());
    }

    static KnownCustomer toCustomer(String siteId, JsonNode json) {
        return new KnownCustomer(required(json, "id"), siteId, text(json, "old_provider_id"), text(json, "email"),
                text(json, "first_name"), text(json, "last_name"), text(json, "phone"), text(json, "display_name"),
                text(json, "organization_id"), Instant.parse(required(json, "created_at")),
                Instant.parse(required(json, "updated_at")));
    }

    static KnownAddress toAddress(String siteId, JsonNode json) {
        return new KnownAddress(required(json, "id"), siteId, required(json, "customer_id"),
                AddressType.of(required(json, "type")), text(json, "first_name"), text(json, "last_name"),
                text(json, "company"), text(json, "department"), text(json, "line1"), text(json, "line2"),
                text(json, "city"), text(json, "state"), text(json, "postal_code"), text(json, "country"),
                text(json, "phone"), Instant.parse(required(json, "created_at")),
                Instant.parse(required(json, "updated_at")));
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String required(JsonNode json, String field) {
        String value = text(json, field);
        if (value == null) {
            throw new IllegalArgumentException("customer-service's answer has no " + field);
        }
        return value;
    }

    public void close() {
        connections.dispose();
    }
}
