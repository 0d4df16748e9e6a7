package io.masthead.subscription.customer;

import static org.awaitility.Awaitility.await;

import io.masthead.platform.id.Ids;
import io.masthead.subscription.customer.application.CustomerDirectory;
import io.masthead.subscription.customer.model.KnownAddress;
import io.masthead.subscription.customer.model.KnownCustomer;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * One application context for the customer view's tests: real PostgreSQL, Kafka and registry, the view's consumer
 * in a group of its own, customer-service played by {@link CustomerServiceDouble} (a real HTTP server that answers
 * as customer-service and verifies tokens as it does), and {@link CustomerDirectoryProbe}, test-only routes that ask the
 * {@link CustomerDirectory} on behalf of the caller of a real request, so that the caller's token, the problems and
 * their headers take the path they take in the service.
 */
@MastheadIntegrationTest(database = "subscriptions_customer_view_it", properties = {
    "masthead.customer-view.group-id=subscription-customer-view-it",
    "masthead.services.customer-service.connect-timeout=500ms",
    "masthead.services.customer-service.response-timeout=2s",
    "masthead.services.customer-service.retry-after=3s"})
@Import(CustomerDirectoryProbe.class)
abstract class CustomerViewTestSupport {

    static final CustomerServiceDouble customerService = new CustomerServiceDouble();
    static final CustomerEvents events = new CustomerEvents();
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void customerServiceUrl(DynamicPropertyRegistry registry) {
        registry.add("masthead.services.customer-service.uri", customerService::url);
    }

    @Autowired
    WebTestClient web;

    @Autowired
    DatabaseClient db;

    @Autowired
    CustomerDirectory directory;

    @Autowired
    ReactiveJwtDecoder tokenDecoder;

    @BeforeEach
    void customerServiceVerifiesTokensAsEveryServiceDoes() {
        customerService.verifyTokensWith(token -> tokenDecoder.decode(token).block(Duration.ofSeconds(5)));
        customerService.failWith(0);
    }

    /** What the probe answers: the customer or address the directory gave. */
    record Seen(String id, String email, String name, String customerId, String type) {
        static Seen of(KnownCustomer c) {
            return new Seen(c.id(), c.email(), c.name(), null, null);
        }

        static Seen of(KnownAddress a) {
            return new Seen(a.id(), null, null, a.customerId(), a.type().value());
        }
    }

    static String newSite() {
        return "site_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static String customerId() {
        return Ids.next(KnownCustomer.ID_PREFIX, Clock.systemUTC());
    }

    static String addressId() {
        return Ids.next(KnownAddress.ID_PREFIX, Clock.systemUTC());
    }

    static Instant at(String iso) {
        return Instant.parse(iso).truncatedTo(ChronoUnit.MILLIS);
    }

    WebTestClient.ResponseSpec askForCustomer(String token, String customerId) {
        return web.get().uri("/test/customers/{id}", customerId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
    }

    WebTestClient.ResponseSpec askForAddress(String token, String customerId, String addressId) {
        return web.get().uri("/test/customers/{customerId}/addresses/{id}", customerId, addressId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange();
    }

    static String admin(String site) {
        return TestTokens.admin(site);
    }

    /** The view's row of a customer: column name to value; empty when the view does not have it. */
    Optional<Map<String, Object>> customerRow(String site, String id) {
        return db.sql("SELECT * FROM customer_view WHERE site_id = :site AND id = :id")
                .bind("site", site).bind("id", id).fetch().one().blockOptional(Duration.ofSeconds(10));
    }

    Optional<Map<String, Object>> addressRow(String site, String id) {
        return db.sql("SELECT * FROM customer_view_addresses WHERE site_id = :site AND id = :id")
                .bind("site", site).bind("id", id).fetch().one().blockOptional(Duration.ofSeconds(10));
    }

    /** Waits until the view's consumer has processed the event (applied or skipped: its id is in the inbox). */
    void awaitProcessed(String eventId) {
        await().atMost(TIMEOUT).until(() -> db.sql("SELECT 1 FROM inbox WHERE consumer = :consumer AND event_id = :id")
                .bind("consumer", "subscription-service.customer-view").bind("id", UUID.fromString(eventId))
                .fetch().one().blockOptional(Duration.ofSeconds(10)).isPresent());
    }

    List<String> search(String site, String query) {
        return directory.searchCustomerIds(site, query, 50).collectList().block(Duration.ofSeconds(10));
    }
}
