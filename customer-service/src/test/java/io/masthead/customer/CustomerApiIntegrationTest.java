package io.masthead.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.events.customer.AddressCreated;
import io.masthead.events.customer.CustomerCreated;
import io.masthead.events.customer.CustomerUpdated;
import io.masthead.events.customer.OrganizationCreated;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import io.masthead.platform.time.SiteClocks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The customer API over HTTP against real PostgreSQL, Kafka and registry; every change checked on the topic. */
@MastheadIntegrationTest(database = "customers_api")
class CustomerApiIntegrationTest {

    private static final String SITE = "site_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static TopicProbe<Object> topic;

    @Autowired
    WebTestClient web;

    @Autowired
    DatabaseClient db;

    @Autowired
    SiteClocks siteClocks;

    @BeforeAll
    static void openProbe() {
        topic = TopicProbe.avro("customers.v1");
    }

    @AfterAll
    static void closeProbe() {
        topic.close();
    }

    private WebTestClient.RequestBodySpec post(String path) {
        return web.post().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .contentType(MediaType.APPLICATION_JSON);
    }

    private WebTestClient.RequestHeadersSpec<?> get(String path) {
        return web.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE));
    }

    private String createCustomer(String json) {
        return post("/v1/customers").bodyValue(json).exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private long rows(String table) {
        return db.sql("SELECT count(*) AS n FROM " + table + " WHERE site_id = :site").bind("site", SITE)
                .map(row -> row.get("n", Long.class)).one().block();
    }

    /**
     * Every event the relay has published so far, for checks that an event was NOT published: waits until the
     * outbox is empty (the relay deletes a row only once Kafka has acknowledged its record, so everything written
     * before is on the topic), then reads the topic up to its end offsets of that moment.
     */
    private List<ConsumerRecord<String, Object>> everythingPublished() {
        await().atMost(Duration.ofSeconds(30)).until(() -> db.sql("SELECT count(*) AS n FROM outbox")
                .map(row -> row.get("n", Long.class)).one().block() == 0);
        return topic.readToEnd();
    }

    private static boolean ofSite(ConsumerRecord<String, Object> record) {
        return record.value() instanceof org.apache.avro.specific.SpecificRecord r
                && r.get(r.getSchema().getField("header").pos()) instanceof io.masthead.events.EventHeader h
                && h.getSiteId().equals(SITE);
    }

    @Test
    void createEmitsCustomerCreatedWithTheFullSnapshot() {
        String id = createCustomer("""
                {"old_provider_id": "143278", "email": "gerard@example.com", "first_name": "Gerard",
                 "last_name": "Cassano", "phone": "+1.514.123.4567", "title": "CEO", "salutation": "Mr.",
                 "display_name": "Gcassano1", "metadata": {"source": "import"}}""");
        assertThat(id).startsWith("cus_");

        get("/v1/customers/" + id).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.object").isEqualTo("customer")
                .jsonPath("$.email").isEqualTo("gerard@example.com")
                .jsonPath("$.display_name").isEqualTo("Gcassano1")
                .jsonPath("$.metadata.source").isEqualTo("import");

        ConsumerRecord<String, Object> record = topic.awaitOne(TopicProbe.<Object>key(id)
                .and(TopicProbe.valueOfType(CustomerCreated.class)));
        CustomerCreated event = (CustomerCreated) record.value();
        assertThat(event.getHeader().getEventType()).isEqualTo("customer.created");
        assertThat(event.getHeader().getSiteId()).isEqualTo(SITE);
        assertThat(event.getHeader().getProducer()).isEqualTo("customer-service");
        assertThat(event.getCustomer().getEmail()).isEqualTo("gerard@example.com");
        assertThat(event.getCustomer().getPhone()).isEqualTo("+1.514.123.4567");
        assertThat(event.getCustomer().getOldProviderId()).isEqualTo("143278");
        assertThat(event.getCustomer().getMetadata()).containsEntry("source", "import");
        assertThat(new String(record.headers().lastHeader("event_id").value()))
                .isEqualTo(event.getHeader().getEventId());
    }

    @Test
    void aResourceReadsBackExactlyAsItWasCreatedAndItsEventCarriesTheSameTime() {
        Map<?, ?> created = post("/v1/customers").bodyValue("{\"first_name\": \"Precise\"}").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        Map<?, ?> read = get("/v1/customers/" + created.get("id")).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(read).isEqualTo(created);
        CustomerCreated event = (CustomerCreated) topic.awaitOne(TopicProbe.<Object>key(created.get("id").toString())
                .and(TopicProbe.valueOfType(CustomerCreated.class))).value();
        assertThat(event.getCustomer().getCreatedAt().toString()).isEqualTo(created.get("created_at"));
        assertThat(event.getHeader().getOccurredAt()).isEqualTo(event.getCustomer().getCreatedAt());
    }

    @Test
    void aTestSiteWhoseClockWasAdvancedStampsResourcesAndEventsWithItsSimulatedTime() {
        String site = "site_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Instant simulated = Instant.parse("2031-05-01T12:00:00Z");
        siteClocks.freeze(site, simulated).block();
        String token = "Bearer " + TestTokens.admin(site);

        Map<?, ?> customer = web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"first_name\": \"Simulated\"}").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(customer.get("created_at")).isEqualTo("2031-05-01T12:00:00Z");
        String id = customer.get("id").toString();
        CustomerCreated created = (CustomerCreated) topic.awaitOne(TopicProbe.<Object>key(id)
                .and(TopicProbe.valueOfType(CustomerCreated.class))).value();
        assertThat(created.getHeader().getOccurredAt()).isEqualTo(simulated);
        assertThat(created.getCustomer().getCreatedAt()).isEqualTo(simulated);

        // the clock runs on from a later time: changes carry it
        siteClocks.release(site, simulated.plus(Duration.ofDays(31))).block();
        web.patch().uri("/v1/customers/" + id).header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"last_name\": \"Later\"}").exchange()
                .expectStatus().isOk();
        CustomerUpdated updated = (CustomerUpdated) topic.awaitOne(TopicProbe.<Object>key(id)
                .and(TopicProbe.valueOfType(CustomerUpdated.class))).value();
        assertThat(updated.getHeader().getOccurredAt()).isBetween(simulated.plus(Duration.ofDays(31)),
                simulated.plus(Duration.ofDays(31)).plus(Duration.ofMinutes(5)));
        assertThat(updated.getCustomer().getUpdatedAt()).isEqualTo(updated.getHeader().getOccurredAt());
        assertThat(updated.getCustomer().getCreatedAt()).isEqualTo(simulated);

        web.post().uri("/v1/customers/" + id + "/addresses").header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("""
                        {"type": "billing", "first_name": "S", "last_name": "T", "line1": "1 Main", "city": "Montreal",
                         "postal_code": "H3H1H1", "country": "ca"}""")
                .exchange().expectStatus().isCreated();
        AddressCreated address = (AddressCreated) topic.awaitOne(TopicProbe.<Object>key(id)
                .and(TopicProbe.valueOfType(AddressCreated.class))).value();
        assertThat(address.getHeader().getOccurredAt()).isAfterOrEqualTo(simulated.plus(Duration.ofDays(31)));

        // the site's own clock: other sites keep the wall clock
        Map<?, ?> elsewhere = post("/v1/customers").bodyValue("{\"first_name\": \"Wall\"}").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(Instant.parse(elsewhere.get("created_at").toString())).isBefore(simulated);
    }

    @Test
    void patchChangesOnlyTheGivenFieldsAndEmitsTheChangedFieldNames() {
        String id = createCustomer("""
                {"email": "lois@example.com", "first_name": "Lois", "phone": "5141234567"}""");
        web.patch().uri("/v1/customers/" + id).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"last_name\": \"Lane\", \"phone\": null}").exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.first_name").isEqualTo("Lois")
                .jsonPath("$.last_name").isEqualTo("Lane")
                .jsonPath("$.phone").doesNotExist();

        CustomerUpdated updated = (CustomerUpdated) topic.awaitOne(TopicProbe.<Object>key(id)
                .and(TopicProbe.valueOfType(CustomerUpdated.class))).value();
        assertThat(updated.getChangedFields()).containsExactlyInAnyOrder("last_name", "phone");
        assertThat(updated.getCustomer().getLastName()).isEqualTo("Lane");
        assertThat(updated.getCustomer().getPhone()).isNull();
    }

    @Test
    void emailIsOptionalButUniquePerSite() {
        createCustomer("{\"first_name\": \"No Email\"}");
        createCustomer("{\"first_name\": \"No Email Either\"}");
        createCustomer("{\"email\": \"clark@example.com\"}");
        long before = rows("customers");

        post("/v1/customers").bodyValue("{\"email\": \"CLARK@example.com\"}").exchange()
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("email");
        assertThat(rows("customers")).isEqualTo(before);

        // the same email on another site is another customer
        web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE + "_b"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"email\": \"clark@example.com\"}")
                .exchange().expectStatus().isCreated();
    }

    @Test
    void badInputIsAProblemNamingEachFieldAndChangesNothing() {
        long before = rows("customers");
        post("/v1/customers").bodyValue("{\"email\": ").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(400).jsonPath("$.errors[0].field").isEqualTo("body");

        post("/v1/customers").bodyValue("{\"email\": \"x@example.com\", \"nickname\": \"x\"}").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("nickname");

        post("/v1/customers").bodyValue("""
                {"email": "not-an-email", "phone": "514-CALL-NOW", "display_name": "bad-email-customer"}""")
                .exchange()
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.errors[?(@.field == 'email')]").exists()
                .jsonPath("$.errors[?(@.field == 'phone')]").exists()
                .jsonPath("$.errors.length()").isEqualTo(2);

        String customer = createCustomer("{\"email\": \"addr@example.com\"}");
        long addressesBefore = rows("addresses");
        post("/v1/customers/" + customer + "/addresses").bodyValue("""
                {"type": "billing", "line1": "1 Main St", "country": "Canada", "state": "Quebec"}""").exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[?(@.field == 'country')]").exists();
        post("/v1/customers/" + customer + "/addresses").bodyValue("""
                {"type": "billing", "line1": "1 Main St", "country": "US", "state": "New York"}""").exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("state");

        assertThat(rows("customers")).isEqualTo(before + 1);
        assertThat(rows("addresses")).isEqualTo(addressesBefore);
        List<ConsumerRecord<String, Object>> events = everythingPublished();
        assertThat(events).filteredOn(CustomerApiIntegrationTest::ofSite)
                .anyMatch(r -> r.value() instanceof CustomerCreated c && c.getCustomer().getId().equals(customer))
                .noneMatch(r -> r.value() instanceof CustomerCreated c
                        && ("not-an-email".equals(c.getCustomer().getEmail())
                                || "x@example.com".equals(c.getCustomer().getEmail())))
                .noneMatch(r -> r.value() instanceof AddressCreated a && a.getAddress().getCustomerId().equals(customer));
    }

    @Test
    void idempotencyKeyReplaysTheFirstResponseAndRejectsAnotherBody() {
        String key = UUID.randomUUID().toString();
        Map<?, ?> first = post("/v1/customers").header("Idempotency-Key", key)
                .bodyValue("{\"email\": \"idem@example.com\"}").exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        Map<?, ?> replay = post("/v1/customers").header("Idempotency-Key", key)
                .bodyValue("{\"email\": \"idem@example.com\"}").exchange()
                .expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(replay).isEqualTo(first);

        post("/v1/customers").header("Idempotency-Key", key).bodyValue("{\"email\": \"other@example.com\"}")
                .exchange().expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("Idempotency-Key");

        assertThat(db.sql("SELECT count(*) AS n FROM customers WHERE site_id = :site AND email LIKE 'idem@%'")
                .bind("site", SITE).map(r -> r.get("n", Long.class)).one().block()).isEqualTo(1);
        topic.awaitOne(TopicProbe.key(first.get("id").toString()));
        assertThat(everythingPublished()).filteredOn(r -> r.key().equals(first.get("id"))).hasSize(1);
    }

    @Test
    void organizationsAndAddressesEmitTheirEventsKeyedForOrder() {
        String org = post("/v1/organizations").bodyValue("""
                {"name": "Daily Planet", "industry": "Media", "website": "https://dailyplanet.example"}""")
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        String customer = createCustomer("{\"email\": \"perry@example.com\", \"organization_id\": \"" + org + "\"}");
        post("/v1/customers").bodyValue("{\"organization_id\": \"org_00000000000000000000000000\"}").exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("organization_id");

        String address = post("/v1/customers/" + customer + "/addresses").bodyValue("""
                {"type": "billing", "first_name": "Genaro", "last_name": "Cassano", "line1": "1010 Sainte Catherine ouest",
                 "line2": "#02-111", "city": "Montreal", "state": "qc", "postal_code": "H3H1H1", "country": "ca",
                 "company": "ABC Inc.", "department": "Accounting", "phone": "514112-2233"}""")
                .exchange().expectStatus().isCreated()
                .expectBody().jsonPath("$.state").isEqualTo("QC").jsonPath("$.country").isEqualTo("CA")
                .returnResult().getResponseBody() != null ? "ok" : "";
        assertThat(address).isEqualTo("ok");

        assertThat(((OrganizationCreated) topic.awaitOne(TopicProbe.<Object>key(org)
                .and(TopicProbe.valueOfType(OrganizationCreated.class))).value()).getOrganization().getName())
                .isEqualTo("Daily Planet");
        List<ConsumerRecord<String, Object>> ofCustomer = topic.await(TopicProbe.<Object>key(customer), 2);
        assertThat(ofCustomer.get(0).value()).isInstanceOf(CustomerCreated.class);
        assertThat(ofCustomer.get(1).value()).isInstanceOfSatisfying(AddressCreated.class,
                a -> assertThat(a.getAddress().getCompany()).isEqualTo("ABC Inc."));
        assertThat(ofCustomer.get(0).partition()).isEqualTo(ofCustomer.get(1).partition());

        get("/v1/customers/" + customer + "/addresses").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(1)
                .jsonPath("$.data[0].postal_code").isEqualTo("H3H1H1");
    }

    @Test
    void listingPagesWithACursorNewestFirst() {
        String site = SITE + "_pages";
        String token = TestTokens.admin(site);
        for (int i = 0; i < 5; i++) {
            web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                    .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"first_name\": \"Page " + i + "\"}")
                    .exchange().expectStatus().isCreated();
        }
        Map<?, ?> first = web.get().uri("/v1/customers?limit=2").header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat((List<?>) first.get("data")).hasSize(2);
        assertThat(first.get("has_more")).isEqualTo(true);
        assertThat(((Map<?, ?>) ((List<?>) first.get("data")).get(0)).get("first_name")).isEqualTo("Page 4");

        Map<?, ?> rest = web.get().uri("/v1/customers?limit=10&starting_after=" + first.get("next_cursor"))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat((List<?>) rest.get("data")).hasSize(3);
        assertThat(rest.get("has_more")).isEqualTo(false);
        assertThat(rest.get("next_cursor")).isNull();

        web.get().uri("/v1/customers?limit=1000").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("limit");
    }

    @Test
    void searchFindsByNameEmailPhoneCompanyAndDepartment() {
        String site = SITE + "_search";
        String token = "Bearer " + TestTokens.admin(site);
        String jimmy = web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"first_name\": \"Jimmy\", \"last_name\": \"Olsen\", \"email\": \"jimmy@planet.example\", "
                        + "\"phone\": \"+1 (212) 555-0199\"}")
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody()
                .get("id").toString();
        web.post().uri("/v1/customers/" + jimmy + "/addresses").header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"type\": \"shipping\", \"line1\": \"1 Main\", \"country\": \"US\", "
                        + "\"company\": \"Planet Photo\", \"department\": \"Darkroom\"}")
                .exchange().expectStatus().isCreated();
        web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, token).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"first_name\": \"Someone\", \"last_name\": \"Else\"}").exchange().expectStatus().isCreated();

        for (String query : List.of("olsen", "Jimmy Olsen", "jimmy@planet", "2125550199", "planet photo", "darkroom")) {
            web.get().uri(b -> b.path("/v1/customers/search").queryParam("query", query).build())
                    .header(HttpHeaders.AUTHORIZATION, token).exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.data.length()").isEqualTo(1)
                    .jsonPath("$.data[0].id").isEqualTo(jimmy);
        }
        web.get().uri("/v1/customers/search?query=a").header(HttpHeaders.AUTHORIZATION, token).exchange()
                .expectStatus().isEqualTo(422);
    }

    @Test
    void exportStreamsEveryCustomerAndAddressAsCsv() {
        String site = SITE + "_export";
        String token = "Bearer " + TestTokens.admin(site);
        for (int i = 0; i < 450; i++) {
            db.sql("INSERT INTO customers (id, site_id, email, first_name, metadata, created_at, updated_at) "
                    + "VALUES (:id, :site, :email, :name, '{}', now(), now())")
                    .bind("id", String.format("cus_%026d", i)).bind("site", site)
                    .bind("email", "bulk" + i + "@example.com").bind("name", i == 0 ? "Comma, \"Quoted\"" : "Bulk")
                    .fetch().rowsUpdated().block();
        }
        String csv = web.get().uri("/v1/customers/export").header(HttpHeaders.AUTHORIZATION, token).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/csv"))
                .expectHeader().valueMatches(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"customers.csv\"")
                .expectBody(String.class).returnResult().getResponseBody();
        String[] lines = csv.split("\r\n");
        assertThat(lines).hasSize(451);
        assertThat(lines[0]).startsWith("id,old_provider_id,email,first_name");
        assertThat(lines[1]).contains("\"Comma, \"\"Quoted\"\"\"");

        web.get().uri("/v1/addresses/export").header(HttpHeaders.AUTHORIZATION, token).exchange()
                .expectStatus().isOk().expectBody(String.class)
                .value(body -> assertThat(body.split("\r\n")).hasSize(1));
    }

    @Test
    void aCustomerTokenSeesOnlyItsOwnCustomer() {
        String me = createCustomer("{\"email\": \"me@example.com\"}");
        String other = createCustomer("{\"email\": \"other-customer@example.com\"}");
        String token = "Bearer " + TestTokens.customer(SITE, me);
        web.get().uri("/v1/customers/" + me).header(HttpHeaders.AUTHORIZATION, token).exchange()
                .expectStatus().isOk();
        // another customer of the site is as unknown as a customer that does not exist
        web.get().uri("/v1/customers/" + other).header(HttpHeaders.AUTHORIZATION, token).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.get().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, token).exchange()
                .expectStatus().isForbidden();
        web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, token)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange().expectStatus().isForbidden();
    }

    @Test
    void withoutAValidTokenEverythingIs401() {
        web.get().uri("/v1/customers").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.get().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, "Bearer not-a-jwt").exchange()
                .expectStatus().isUnauthorized();
        web.get().uri("/readyz").exchange().expectStatus().isOk(); // metrics: ManagementPortIntegrationTest
    }

    @Test
    void unknownIdsAre404Problems() {
        get("/v1/customers/cus_00000000000000000000000000").exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(404);
        get("/v1/customers/nonsense").exchange().expectStatus().isNotFound();
        get("/v1/addresses/adr_00000000000000000000000000").exchange().expectStatus().isNotFound();
    }
}
