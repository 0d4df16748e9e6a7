package io.masthead.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.events.customer.CustomerCreated;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Credentials against real PostgreSQL and Kafka: setting a password, the gateway's verification (with the rehash
 * of a migrated hash), and what a customer token may read and change. bcrypt cost 5 here (12 by default).
 */
@MastheadIntegrationTest(database = "customers_credentials", properties = "masthead.credentials.bcrypt-cost=5")
class CredentialIntegrationTest {

    private static final String SITE = "site_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String OTHER_SITE = "site_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @Autowired
    WebTestClient web;

    @Autowired
    DatabaseClient db;

    private WebTestClient.RequestBodySpec post(String token, String path) {
        return web.post().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON);
    }

    private String createCustomer(String site, String email) {
        return post(TestTokens.admin(site), "/v1/customers").bodyValue("{\"email\": \"" + email + "\"}").exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private static String email() {
        return "reader-" + UUID.randomUUID() + "@example.com";
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> verify(String site, String email, String password) {
        return post(TestTokens.admin(site), "/internal/credentials/verify")
                .bodyValue(Map.of("email", email, "password", password)).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    private Map<String, Object> credentialRow(String customer) {
        return db.sql("SELECT algorithm, hash FROM credentials WHERE site_id = :site AND customer_id = :customer")
                .bind("site", SITE).bind("customer", customer).fetch().one().block();
    }

    @Test
    void anAdminSetsAPasswordStoredAsBcryptAndTheGatewayVerifiesIt() {
        String email = email();
        String customer = createCustomer(SITE, email);
        post(TestTokens.admin(SITE), "/v1/customers/" + customer + "/password")
                .bodyValue("{\"password\": \"correct horse battery\"}").exchange()
                .expectStatus().isNoContent().expectBody().isEmpty();

        Map<String, Object> row = credentialRow(customer);
        assertThat(row.get("algorithm")).isEqualTo("bcrypt-sha384");
        assertThat(row.get("hash").toString()).startsWith("$2a$05$").doesNotContain("correct horse battery");

        assertThat(verify(SITE, email.toUpperCase(), "correct horse battery"))
                .containsEntry("verified", true).containsEntry("customer", customer);
        assertThat(verify(SITE, email, "correct horse batterY")).containsEntry("verified", false)
                .doesNotContainKey("customer");
        assertThat(verify(SITE, "nobody-" + email, "correct horse battery")).containsEntry("verified", false);
        // another site does not know the customer
        assertThat(verify(OTHER_SITE, email, "correct horse battery")).containsEntry("verified", false);

        // resetting replaces it
        post(TestTokens.admin(SITE), "/v1/customers/" + customer + "/password")
                .bodyValue("{\"password\": \"a brand new secret\"}").exchange().expectStatus().isNoContent();
        assertThat(verify(SITE, email, "correct horse battery")).containsEntry("verified", false);
        assertThat(verify(SITE, email, "a brand new secret")).containsEntry("verified", true);
    }

    @Test
    void theLoginFindsTheCustomerByTheOneNormalisedFormOfItsEmail() {
        String tag = UUID.randomUUID().toString();
        String email = "Éloise-" + tag + "@Example.COM";
        String customer = createCustomer(SITE, email);
        post(TestTokens.admin(SITE), "/v1/customers/" + customer + "/password")
                .bodyValue("{\"password\": \"correct horse battery\"}").exchange().expectStatus().isNoContent();
        assertThat(db.sql("SELECT email_key FROM customers WHERE site_id = :site AND id = :id").bind("site", SITE)
                .bind("id", customer).map(r -> r.get("email_key", String.class)).one().block())
                .isEqualTo(io.masthead.platform.validation.Emails.normalized(email));
        for (String spelling : new String[] {email, " Éloise-" + tag + "@example.com ", "ÉLOISE-" + tag + "@EXAMPLE.COM"}) {
            assertThat(verify(SITE, spelling, "correct horse battery")).as(spelling).containsEntry("customer", customer);
        }
        // only ASCII letters fold, as the gateway's rate limit counts them
        assertThat(verify(SITE, "éloise-" + tag + "@example.com", "correct horse battery"))
                .containsEntry("verified", false);
        // a changed email is found by its new form only
        web.patch().uri("/v1/customers/" + customer).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"email\": \"Moved-" + tag + "@Example.com\"}")
                .exchange().expectStatus().isOk();
        assertThat(verify(SITE, "moved-" + tag + "@example.com", "correct horse battery"))
                .containsEntry("customer", customer);
        assertThat(verify(SITE, email, "correct horse battery")).containsEntry("verified", false);
    }

    @Test
    void aMigratedHashVerifiesAndIsRehashedToBcryptAtTheFirstSuccessfulLogin() {
        String email = email();
        String customer = createCustomer(SITE, email);
        db.sql("INSERT INTO credentials (site_id, customer_id, algorithm, hash, created_at, updated_at) "
                        + "VALUES (:site, :customer, 'drupal', :hash, now(), now())")
                .bind("site", SITE).bind("customer", customer)
                .bind("hash", "$S$C33783772bRXEx1aCsvY.dqgaaSu76XmVlKrW9Qu8IQlvxHlmzLf").then().block();

        // a wrong password changes nothing
        assertThat(verify(SITE, email, "hashcat!")).containsEntry("verified", false);
        assertThat(credentialRow(customer).get("algorithm")).isEqualTo("drupal");

        assertThat(verify(SITE, email, "hashcat")).containsEntry("verified", true).containsEntry("customer", customer);
        Map<String, Object> row = credentialRow(customer);
        assertThat(row.get("algorithm")).isEqualTo("bcrypt-sha384");
        assertThat(row.get("hash").toString()).startsWith("$2a$05$");
        // and the new hash verifies
        assertThat(verify(SITE, email, "hashcat")).containsEntry("verified", true);
        assertThat(credentialRow(customer).get("hash")).isEqualTo(row.get("hash"));
    }

    @Test
    void badPasswordsAreProblemsNamingTheFieldAndChangeNothing() {
        String email = email();
        String customer = createCustomer(SITE, email);
        for (String body : List.of("{\"password\": \"short\"}", "{\"password\": \"" + "x".repeat(129) + "\"}",
                "{\"password\": \"" + email + "\"}", "{}", "{\"password\": \"         \"}")) {
            post(TestTokens.admin(SITE), "/v1/customers/" + customer + "/password").bodyValue(body).exchange()
                    .expectStatus().isEqualTo(422)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.errors[0].field").isEqualTo("password");
        }
        post(TestTokens.admin(SITE), "/v1/customers/" + customer + "/password")
                .bodyValue("{\"password\": \"long enough\", \"hint\": \"x\"}").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("hint");
        assertThat(db.sql("SELECT count(*) AS n FROM credentials WHERE customer_id = :c").bind("c", customer)
                .map(r -> r.get("n", Long.class)).one().block()).isZero();

        // unknown customer, another site's customer: 404
        post(TestTokens.admin(SITE), "/v1/customers/cus_01jt3z8x9k2m4n6p8q0r2s4t6v/password")
                .bodyValue("{\"password\": \"long enough\"}").exchange().expectStatus().isNotFound();
        post(TestTokens.admin(OTHER_SITE), "/v1/customers/" + customer + "/password")
                .bodyValue("{\"password\": \"long enough\"}").exchange().expectStatus().isNotFound();
    }

    @Test
    void onlyAnAdminSetsPasswordsOrVerifiesThem() {
        String email = email();
        String customer = createCustomer(SITE, email);
        post(TestTokens.customer(SITE, customer), "/v1/customers/" + customer + "/password")
                .bodyValue("{\"password\": \"long enough\"}").exchange().expectStatus().isForbidden();
        post(TestTokens.customer(SITE, customer), "/internal/credentials/verify")
                .bodyValue(Map.of("email", email, "password", "long enough")).exchange().expectStatus().isForbidden();
        web.post().uri("/internal/credentials/verify").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", "long enough")).exchange().expectStatus().isUnauthorized();
    }

    @Test
    void noEventCarriesThePasswordAndAnIdempotencyKeyStoresNothingOfIt() {
        String email = email();
        String customer = createCustomer(SITE, email);
        post(TestTokens.admin(SITE), "/v1/customers/" + customer + "/password").header("Idempotency-Key", "pw-1")
                .bodyValue("{\"password\": \"kept out of events\"}").exchange().expectStatus().isNoContent();
        assertThat(db.sql("SELECT count(*) AS n FROM idempotency_keys WHERE site_id = :site").bind("site", SITE)
                .map(r -> r.get("n", Long.class)).one().block()).isZero();

        // the same operation spelled with an encoded letter is matched as the dispatcher matches it
        web.post().uri(base -> java.net.URI.create(base.build() + "/v1/customers/" + customer + "/%70assword"))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .contentType(MediaType.APPLICATION_JSON).header("Idempotency-Key", "pw-2")
                .bodyValue("{\"password\": \"kept out of events\"}").exchange().expectStatus().isNoContent();
        post(TestTokens.admin(SITE), "/internal/credentials/verify").header("Idempotency-Key", "pw-3")
                .bodyValue(Map.of("email", email, "password", "kept out of events")).exchange().expectStatus().isOk();
        assertThat(db.sql("SELECT count(*) AS n FROM idempotency_keys WHERE site_id = :site").bind("site", SITE)
                .map(r -> r.get("n", Long.class)).one().block()).isZero();
        // another operation still takes the key
        post(TestTokens.admin(SITE), "/v1/customers").header("Idempotency-Key", "create-1")
                .bodyValue("{\"email\": \"" + email() + "\"}").exchange().expectStatus().isCreated();
        assertThat(db.sql("SELECT count(*) AS n FROM idempotency_keys WHERE site_id = :site").bind("site", SITE)
                .map(r -> r.get("n", Long.class)).one().block()).isOne();

        await().atMost(Duration.ofSeconds(30)).until(() -> db.sql("SELECT count(*) AS n FROM outbox")
                .map(row -> row.get("n", Long.class)).one().block() == 0);
        try (TopicProbe<Object> topic = TopicProbe.avro("customers.v1")) {
            List<ConsumerRecord<String, Object>> events = topic.readToEnd().stream()
                    .filter(record -> customer.equals(record.key())).toList();
            assertThat(events).singleElement().satisfies(r -> assertThat(r.value()).isInstanceOf(CustomerCreated.class));
        }
        try (TopicProbe<byte[]> raw = TopicProbe.raw("customers.v1")) {
            assertThat(raw.readToEnd()).noneSatisfy(record -> assertThat(new String(record.value()))
                    .contains("kept out of events"));
        }
    }

    @Test
    void aCustomerTokenReadsAndChangesItsOwnCustomerOnlyAndAnotherIsNotFound() {
        String own = createCustomer(SITE, email());
        String other = createCustomer(SITE, email());
        String token = TestTokens.customer(SITE, own);
        post(TestTokens.admin(SITE), "/v1/customers/" + own + "/addresses").bodyValue("""
                {"type": "billing", "line1": "1 Main", "city": "Montreal", "country": "CA"}""")
                .exchange().expectStatus().isCreated();
        String otherAddress = post(TestTokens.admin(SITE), "/v1/customers/" + other + "/addresses").bodyValue("""
                {"type": "billing", "line1": "2 Main", "city": "Montreal", "country": "CA"}""")
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id").toString();

        web.get().uri("/v1/customers/" + own).header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.id").isEqualTo(own);
        web.get().uri("/v1/customers/" + own + "/addresses").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.data.length()").isEqualTo(1);
        for (String path : List.of("/v1/customers/" + other, "/v1/customers/" + other + "/addresses",
                "/v1/addresses/" + otherAddress)) {
            web.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
                    .expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        for (String path : List.of("/v1/customers", "/v1/customers/search?query=reader", "/v1/customers/export",
                "/v1/addresses/export")) {
            web.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
                    .expectStatus().isForbidden();
        }

        web.patch().uri("/v1/customers/" + own).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"first_name\": \"Lois\"}").exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.first_name").isEqualTo("Lois");
        web.patch().uri("/v1/customers/" + own).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"email\": \"x@example.com\", \"metadata\": {}}")
                .exchange().expectStatus().isForbidden()
                .expectBody().jsonPath("$.errors[*].field").value(fields -> assertThat(fields.toString())
                        .contains("email").contains("metadata"));
        web.patch().uri("/v1/customers/" + other).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"first_name\": \"Mallory\"}").exchange()
                .expectStatus().isNotFound();
        web.get().uri("/v1/customers/" + other).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.first_name").doesNotExist();
    }
}
