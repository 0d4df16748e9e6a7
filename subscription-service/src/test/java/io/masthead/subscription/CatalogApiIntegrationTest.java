package io.masthead.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.masthead.events.EventHeader;
import io.masthead.events.subscription.PlanCreated;
import io.masthead.events.subscription.PlanDeleted;
import io.masthead.events.subscription.PlanUpdated;
import io.masthead.events.subscription.ProductCreated;
import io.masthead.events.subscription.ProductDeleted;
import io.masthead.events.subscription.ProductUpdated;
import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.ValidationException;
import io.masthead.subscription.plan.application.PlanCatalog;
import io.masthead.subscription.plan.model.BillingInterval;
import io.masthead.subscription.plan.model.PlanInfo;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * The catalog API (products and plans) over HTTP against real PostgreSQL, Kafka and registry: every endpoint,
 * every rule's bad input (a problem naming the field, nothing written, no event), site isolation, the events on
 * subscriptions.v1, the streamed exports, and the PlanCatalog contract subscriptions use.
 */
@MastheadIntegrationTest(database = "catalog_api")
class CatalogApiIntegrationTest {

    private static final String SITE = "site_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static TopicProbe<Object> topic;

    @Autowired
    WebTestClient web;

    @Autowired
    DatabaseClient db;

    @Autowired
    PlanCatalog catalog;

    @Autowired
    TransactionalOperator transaction;

    @BeforeAll
    static void openProbe() {
        topic = TopicProbe.avro("subscriptions.v1");
    }

    @AfterAll
    static void closeProbe() {
        topic.close();
    }

    private static String admin(String site) {
        return "Bearer " + TestTokens.admin(site);
    }

    private WebTestClient.ResponseSpec send(String method, String path, String site, String json) {
        WebTestClient.RequestBodySpec spec = web.method(org.springframework.http.HttpMethod.valueOf(method)).uri(path)
                .header(HttpHeaders.AUTHORIZATION, admin(site));
        return json == null ? spec.exchange() : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private WebTestClient.ResponseSpec post(String path, String json) {
        return send("POST", path, SITE, json);
    }

    private WebTestClient.ResponseSpec patch(String path, String json) {
        return send("PATCH", path, SITE, json);
    }

    private WebTestClient.ResponseSpec get(String path) {
        return send("GET", path, SITE, null);
    }

    private Map<?, ?> created(WebTestClient.ResponseSpec response) {
        return response.expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    private String createProduct(String site, String json) {
        return created(send("POST", "/v1/products", site, json)).get("id").toString();
    }

    private String createProduct(String json) {
        return createProduct(SITE, json);
    }

    private String createPlan(String site, String product, String extra) {
        return created(send("POST", "/v1/plans", site, "{\"product\": \"" + product + "\", \"nickname\": \"Monthly\", "
                + "\"amount\": 1900, \"currency\": \"usd\", \"interval\": \"month\"" + (extra.isEmpty() ? "" : ", " + extra)
                + "}")).get("id").toString();
    }

    private String createPlan(String product, String extra) {
        return createPlan(SITE, product, extra);
    }

    private long rows(String table, String site) {
        return db.sql("SELECT count(*) AS n FROM " + table + " WHERE site_id = :site").bind("site", site)
                .map(row -> row.get("n", Long.class)).one().block();
    }

    private void markUsed(String plan) {
        transaction.transactional(catalog.markUsed(SITE, plan)).block();
    }

    /**
     * Every event published so far (for checks that an event was NOT published): waits until the outbox is empty
     * (the relay deletes a row only once Kafka acknowledged it), then reads the topic to its end offsets.
     */
    private List<ConsumerRecord<String, Object>> everythingPublished() {
        await().atMost(Duration.ofSeconds(30)).until(() -> db.sql("SELECT count(*) AS n FROM outbox")
                .map(row -> row.get("n", Long.class)).one().block() == 0);
        return topic.readToEnd();
    }

    private static EventHeader header(ConsumerRecord<String, Object> record) {
        SpecificRecord r = (SpecificRecord) record.value();
        return (EventHeader) r.get(r.getSchema().getField("header").pos());
    }

    private static <T> T event(ConsumerRecord<String, Object> record, Class<T> type) {
        return type.cast(record.value());
    }

    @Test
    void aProductIsCreatedReadBackAndPublishedWithItsFullSnapshot() {
        Map<?, ?> product = created(post("/v1/products", """
                {"name": "Print Membership", "description": "12 print magazines a year", "address_required": true,
                 "statement_descriptor": "DAILY PLANET", "image": "https://abcd.com/images/1.jpg",
                 "old_provider_id": "PR1235", "metadata": {"section": "print"}}"""));
        String id = product.get("id").toString();
        assertThat(id).startsWith("prd_");
        assertThat(product.get("object")).isEqualTo("product");
        assertThat(product.get("active")).isEqualTo(true);
        assertThat(product.get("address_required")).isEqualTo(true);
        assertThat(get("/v1/products/" + id).expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody()).isEqualTo(product);

        ConsumerRecord<String, Object> record = topic.awaitOne(TopicProbe.<Object>key(id)
                .and(TopicProbe.valueOfType(ProductCreated.class)));
        ProductCreated event = event(record, ProductCreated.class);
        assertThat(event.getHeader().getEventType()).isEqualTo("product.created");
        assertThat(event.getHeader().getSiteId()).isEqualTo(SITE);
        assertThat(event.getHeader().getProducer()).isEqualTo("subscription-service");
        assertThat(event.getProduct().getName()).isEqualTo("Print Membership");
        assertThat(event.getProduct().getAddressRequired()).isTrue();
        assertThat(event.getProduct().getStatementDescriptor()).isEqualTo("DAILY PLANET");
        assertThat(event.getProduct().getImage()).isEqualTo("https://abcd.com/images/1.jpg");
        assertThat(event.getProduct().getOldProviderId()).isEqualTo("PR1235");
        assertThat(event.getProduct().getMetadata()).containsEntry("section", "print");
        assertThat(event.getProduct().getCreatedAt().toString()).isEqualTo(product.get("created_at"));
        assertThat(event.getHeader().getOccurredAt()).isEqualTo(event.getProduct().getCreatedAt());
    }

    @Test
    void aPlanIsCreatedWithDefaultsAndPublishedUnderItsProductsKey() {
        String product = createProduct("{\"name\": \"Digital\"}");
        Map<?, ?> plan = created(post("/v1/plans", """
                {"product": "%s", "nickname": "Europe Yearly Membership - Gold", "description": "Print+Digital",
                 "amount": 19900, "currency": "eur", "interval": "year", "shipments_per_interval": 12,
                 "type": "donation", "revenue_recognition_type": "shipment_based", "entitlements": ["ent_a", "ent_b"],
                 "trial_period_days": 14, "old_id": "1234", "metadata": {"account_name": "abcd"}}""".formatted(product)));
        String id = plan.get("id").toString();
        assertThat(id).startsWith("pln_");
        assertThat(plan.get("object")).isEqualTo("plan");
        assertThat(plan.get("product")).isEqualTo(product);
        assertThat(plan.get("interval_count")).isEqualTo(1);
        assertThat(plan.get("auto_renew")).isEqualTo(true);
        assertThat(plan.get("available_online")).isEqualTo(true);
        assertThat(plan.get("active")).isEqualTo(true);
        assertThat(plan.get("entitlements")).isEqualTo(List.of("ent_a", "ent_b"));
        assertThat(get("/v1/plans/" + id).expectStatus().isOk().expectBody(Map.class).returnResult()
                .getResponseBody()).isEqualTo(plan);

        List<ConsumerRecord<String, Object>> ofProduct = topic.await(TopicProbe.<Object>key(product), 2);
        assertThat(ofProduct.get(0).value()).isInstanceOf(ProductCreated.class);
        PlanCreated event = event(ofProduct.get(1), PlanCreated.class);
        assertThat(event.getHeader().getEventType()).isEqualTo("plan.created");
        assertThat(event.getPlan().getId()).isEqualTo(id);
        assertThat(event.getPlan().getProduct()).isEqualTo(product);
        assertThat(event.getPlan().getAmount()).isEqualTo(19900L);
        assertThat(event.getPlan().getCurrency()).isEqualTo("eur");
        assertThat(event.getPlan().getInterval()).isEqualTo("year");
        assertThat(event.getPlan().getShipmentsPerInterval()).isEqualTo(12);
        assertThat(event.getPlan().getType()).isEqualTo("donation");
        assertThat(event.getPlan().getRevenueRecognitionType()).isEqualTo("shipment_based");
        assertThat(event.getPlan().getEntitlements()).containsExactly("ent_a", "ent_b");
        assertThat(event.getPlan().getTrialPeriodDays()).isEqualTo(14);
        assertThat(event.getPlan().getOldId()).isEqualTo("1234");
        assertThat(event.getPlan().getMetadata()).containsEntry("account_name", "abcd");
    }

    @Test
    void patchesChangeOnlyTheGivenFieldsAndNameThemInTheEvent() {
        String product = createProduct("{\"name\": \"Weekend\", \"description\": \"Sat+Sun\"}");
        patch("/v1/products/" + product, "{\"name\": \"Weekend Print\", \"description\": null}")
                .expectStatus().isOk().expectBody()
                .jsonPath("$.name").isEqualTo("Weekend Print")
                .jsonPath("$.description").doesNotExist();
        ProductUpdated updated = event(topic.awaitOne(TopicProbe.<Object>key(product)
                .and(TopicProbe.valueOfType(ProductUpdated.class))), ProductUpdated.class);
        assertThat(updated.getChangedFields()).containsExactlyInAnyOrder("name", "description");

        String plan = createPlan(product, "");
        patch("/v1/plans/" + plan, "{\"amount\": 2100, \"auto_renew\": false, \"entitlements\": [\"weekend\"]}")
                .expectStatus().isOk().expectBody()
                .jsonPath("$.amount").isEqualTo(2100)
                .jsonPath("$.auto_renew").isEqualTo(false)
                .jsonPath("$.nickname").isEqualTo("Monthly");
        PlanUpdated planUpdated = event(topic.awaitOne(TopicProbe.<Object>key(product)
                .and(TopicProbe.valueOfType(PlanUpdated.class))), PlanUpdated.class);
        assertThat(planUpdated.getChangedFields()).containsExactlyInAnyOrder("amount", "auto_renew", "entitlements");
        assertThat(planUpdated.getPlan().getAmount()).isEqualTo(2100L);
    }

    @Test
    void archivingIsRefusedWhileActivePlansExistAndWorksWithoutThem() {
        String product = createProduct("{\"name\": \"Combo\"}");
        String monthly = createPlan(product, "");
        String yearly = createPlan(product, "\"interval\": \"year\"".replace("\"interval\": \"year\"",
                "\"old_id\": \"combo-y\""));
        post("/v1/products/" + product + "/archive", null)
                .expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("2 active plans"))
                .jsonPath("$.errors[0].field").isEqualTo("active");
        patch("/v1/products/" + product, "{\"active\": false}").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("2 active plans"));
        get("/v1/products/" + product).expectStatus().isOk().expectBody().jsonPath("$.active").isEqualTo(true);

        patch("/v1/plans/" + monthly, "{\"active\": false}").expectStatus().isOk();
        post("/v1/products/" + product + "/archive", null).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("1 active plan "));
        patch("/v1/plans/" + yearly, "{\"active\": false}").expectStatus().isOk();

        // Release 1.54: a product with no active plans archives (and its archive is idempotent)
        post("/v1/products/" + product + "/archive", null).expectStatus().isOk().expectBody()
                .jsonPath("$.active").isEqualTo(false);
        post("/v1/products/" + product + "/archive", null).expectStatus().isOk().expectBody()
                .jsonPath("$.active").isEqualTo(false);
        List<ConsumerRecord<String, Object>> archived = everythingPublished().stream()
                .filter(r -> product.equals(r.key()) && r.value() instanceof ProductUpdated).toList();
        assertThat(archived).singleElement().satisfies(r -> assertThat(event(r, ProductUpdated.class)
                .getChangedFields()).containsExactly("active"));

        // an archived product has no active plans: none can be activated or added active
        patch("/v1/plans/" + monthly, "{\"active\": true}").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("active");
        send("POST", "/v1/plans", SITE, "{\"product\": \"" + product + "\", \"nickname\": \"x\", \"amount\": 1, "
                + "\"currency\": \"usd\", \"interval\": \"day\"}").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("product");
        createPlan(product, "\"active\": false");
        patch("/v1/products/" + product, "{\"active\": true}").expectStatus().isOk();
        patch("/v1/plans/" + monthly, "{\"active\": true}").expectStatus().isOk();
    }

    @Test
    void aNeverUsedProductOrPlanCanBeDeletedAndAUsedOneCannot() {
        String product = createProduct("{\"name\": \"Short-lived\"}");
        String plan = createPlan(product, "\"active\": false");
        String other = createPlan(product, "\"active\": false, \"old_id\": \"short-2\"");
        send("DELETE", "/v1/plans/" + other, SITE, null).expectStatus().isNoContent();
        get("/v1/plans/" + other).expectStatus().isNotFound();
        send("DELETE", "/v1/products/" + product, SITE, null).expectStatus().isNoContent();
        get("/v1/products/" + product).expectStatus().isNotFound();
        get("/v1/plans/" + plan).expectStatus().isNotFound();
        List<ConsumerRecord<String, Object>> events = topic.await(TopicProbe.<Object>key(product), 6);
        assertThat(events.stream().map(r -> r.value().getClass().getSimpleName()).toList()).containsExactly(
                "ProductCreated", "PlanCreated", "PlanCreated", "PlanDeleted", "PlanDeleted", "ProductDeleted");
        assertThat(event(events.get(3), PlanDeleted.class).getPlan().getId()).isEqualTo(other);
        assertThat(event(events.get(5), ProductDeleted.class).getProduct().getName()).isEqualTo("Short-lived");

        String kept = createProduct("{\"name\": \"Kept\"}");
        String active = createPlan(kept, "");
        send("DELETE", "/v1/products/" + kept, SITE, null).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("1 active plan"));

        markUsed(active);
        send("DELETE", "/v1/plans/" + active, SITE, null).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("plan");
        patch("/v1/plans/" + active, "{\"active\": false}").expectStatus().isOk();
        send("DELETE", "/v1/products/" + kept, SITE, null).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.detail").value(d -> assertThat(d.toString()).contains("archive it instead"));
        post("/v1/products/" + kept + "/archive", null).expectStatus().isOk();
        get("/v1/plans/" + active).expectStatus().isOk();
        get("/v1/products/" + kept).expectStatus().isOk();
    }

    @Test
    void onceASubscriptionUsesAPlanItsPriceAndCycleAreFixed() {
        String product = createProduct("{\"name\": \"Daily\"}");
        String plan = createPlan(product, "");
        markUsed(plan);
        markUsed(plan); // a second subscription of the same plan

        for (String field : List.of("\"amount\": 2000", "\"currency\": \"cad\"", "\"interval\": \"year\"",
                "\"interval_count\": 2")) {
            patch("/v1/plans/" + plan, "{" + field + "}").expectStatus().isEqualTo(409)
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.errors[0].field").isEqualTo(field.substring(1, field.indexOf('"', 1)))
                    .jsonPath("$.errors[0].message").value(m -> assertThat(m.toString())
                            .contains("create a new plan instead"));
        }
        patch("/v1/plans/" + plan, "{\"amount\": 2000, \"currency\": \"cad\", \"nickname\": \"x\"}")
                .expectStatus().isEqualTo(409).expectBody().jsonPath("$.errors.length()").isEqualTo(2);
        // the same values are no change, and the other fields still change
        patch("/v1/plans/" + plan, "{\"amount\": 1900, \"currency\": \"usd\", \"nickname\": \"Daily monthly\"}")
                .expectStatus().isOk().expectBody().jsonPath("$.nickname").isEqualTo("Daily monthly");
        get("/v1/plans/" + plan).expectStatus().isOk().expectBody().jsonPath("$.amount").isEqualTo(1900);

        List<ConsumerRecord<String, Object>> updates = everythingPublished().stream()
                .filter(r -> product.equals(r.key()) && r.value() instanceof PlanUpdated).toList();
        assertThat(updates).singleElement().satisfies(r -> assertThat(event(r, PlanUpdated.class).getChangedFields())
                .containsExactly("nickname"));
    }

    @Test
    void planCatalogAnswersUsablePlansAndNamesThePlanFieldOtherwise() {
        String product = createProduct("{\"name\": \"Print\", \"address_required\": true}");
        String plan = createPlan(product, "\"shipments_per_interval\": 4, \"entitlements\": [\"print\"]");
        Caller caller = Caller.admin(SITE, false);
        PlanInfo info = catalog.requireUsable(caller, plan).block();
        assertThat(info.productId()).isEqualTo(product);
        assertThat(info.productAddressRequired()).isTrue();
        assertThat(info.interval()).isEqualTo(BillingInterval.MONTH);
        assertThat(info.shipmentsPerInterval()).isEqualTo(4);
        assertThat(info.entitlements()).containsExactly("print");

        assertPlanRefused(() -> catalog.requireUsable(Caller.admin(SITE + "_other", false), plan).block(), "no such");
        assertPlanRefused(() -> catalog.requireUsable(caller, "pln_00000000000000000000000000").block(), "no such");
        assertPlanRefused(() -> catalog.requireUsable(caller, "not-a-plan").block(), "no such");
        patch("/v1/plans/" + plan, "{\"active\": false}").expectStatus().isOk();
        assertPlanRefused(() -> catalog.requireUsable(caller, plan).block(), "inactive");
        assertPlanRefused(() -> transaction.transactional(catalog.markUsed(SITE, plan)).block(), "no longer usable");
        post("/v1/products/" + product + "/archive", null).expectStatus().isOk();
        String inactiveOfArchived = createPlan(product, "\"active\": false, \"old_id\": \"print-2\"");
        assertPlanRefused(() -> catalog.requireUsable(caller, inactiveOfArchived).block(), "inactive");
        // a refused mark leaves the plan unused: it can still be deleted
        send("DELETE", "/v1/plans/" + plan, SITE, null).expectStatus().isNoContent();
    }

    private static void assertPlanRefused(Runnable call, String reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ValidationException.class, e -> {
            assertThat(e.violations()).singleElement().satisfies(v -> {
                assertThat(v.field()).isEqualTo("plan");
                assertThat(v.message()).contains(reason);
            });
        });
    }

    @Test
    void badProductInputIsAProblemNamingEachFieldAndChangesNothing() {
        String product = createProduct("{\"name\": \"Valid\", \"old_provider_id\": \"dup-1\"}");
        long before = rows("products", SITE);
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("{}", "name");
        bodies.put("{\"name\": \"   \"}", "name");
        bodies.put("{\"name\": \"" + "n".repeat(201) + "\"}", "name");
        bodies.put("{\"name\": \"x\", \"description\": \"" + "d".repeat(2001) + "\"}", "description");
        bodies.put("{\"name\": \"x\", \"address_required\": \"yes\"}", "address_required");
        bodies.put("{\"name\": \"x\", \"address_required\": 1}", "address_required");
        bodies.put("{\"name\": \"x\", \"active\": \"true\"}", "active");
        bodies.put("{\"name\": \"x\", \"statement_descriptor\": \"DP\"}", "statement_descriptor");
        bodies.put("{\"name\": \"x\", \"statement_descriptor\": \"<script>\"}", "statement_descriptor");
        bodies.put("{\"name\": \"x\", \"image\": \"ftp://x.example/1.jpg\"}", "image");
        bodies.put("{\"name\": \"x\", \"old_provider_id\": 12}", "old_provider_id");
        bodies.put("{\"name\": \"x\", \"metadata\": {\"k\": 1}}", "metadata.k");
        bodies.put("{\"name\": \"x\", \"metadata\": [\"k\"]}", "metadata");
        bodies.put("{\"name\": \"x\", \"plans\": []}", "plans");
        bodies.forEach((body, field) -> post("/v1/products", body).expectStatus().value(s -> assertThat(s)
                        .as(body).isIn(400, 422))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[?(@.field == '" + field + "')]").exists());
        post("/v1/products", "{\"name\": \"x\", \"old_provider_id\": \"dup-1\"}").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("old_provider_id");
        post("/v1/products", "{\"name\": ").expectStatus().isBadRequest();

        patch("/v1/products/" + product, "{\"name\": null}").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("name");
        patch("/v1/products/" + product, "{\"active\": null}").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("active");
        patch("/v1/products/" + product, "{\"id\": \"prd_x\"}").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("id");
        patch("/v1/products/" + product, "[]").expectStatus().value(s -> assertThat(s).isIn(400, 422));

        assertThat(rows("products", SITE)).isEqualTo(before);
        get("/v1/products/" + product).expectStatus().isOk().expectBody().jsonPath("$.name").isEqualTo("Valid");
        // the positive marker: a valid create after the bad ones is published; none of the bad ones was
        String marker = createProduct("{\"name\": \"Marker after bad products\"}");
        topic.awaitOne(TopicProbe.<Object>key(marker).and(TopicProbe.valueOfType(ProductCreated.class)));
        assertThat(everythingPublished().stream().filter(r -> product.equals(r.key())
                && r.value() instanceof ProductUpdated)).isEmpty();
        assertThat(everythingPublished().stream().filter(r -> r.value() instanceof ProductCreated p
                && p.getHeader().getSiteId().equals(SITE) && p.getProduct().getName().equals("x"))).isEmpty();
    }

    @Test
    void badPlanInputIsAProblemNamingEachFieldAndChangesNothing() {
        String product = createProduct("{\"name\": \"For bad plans\"}");
        String plan = createPlan(product, "\"old_id\": \"dup-plan\"");
        String valid = "\"product\": \"" + product + "\", \"nickname\": \"n\", \"amount\": 100, \"currency\": \"usd\", "
                + "\"interval\": \"month\"";
        long before = rows("plans", SITE);
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("{\"nickname\": \"n\", \"amount\": 100, \"currency\": \"usd\", \"interval\": \"month\"}", "product");
        bodies.put("{\"product\": \"prd_00000000000000000000000000\", \"nickname\": \"n\", \"amount\": 100, "
                + "\"currency\": \"usd\", \"interval\": \"month\"}", "product");
        bodies.put("{\"product\": \"nope\", \"nickname\": \"n\", \"amount\": 100, \"currency\": \"usd\", "
                + "\"interval\": \"month\"}", "product");
        bodies.put("{\"product\": 5, \"nickname\": \"n\", \"amount\": 100, \"currency\": \"usd\", "
                + "\"interval\": \"month\"}", "product");
        bodies.put("{\"product\": \"" + product + "\", \"amount\": 100, \"currency\": \"usd\", \"interval\": \"month\"}",
                "nickname");
        bodies.put("{\"product\": \"" + product + "\", \"nickname\": \"n\", \"currency\": \"usd\", \"interval\": "
                + "\"month\"}", "amount");
        bodies.put("{" + valid + ", \"amount\": -1}".replace("\"amount\": 100, ", ""), "amount");
        bodies.put("{" + valid.replace("100", "\"100\"") + "}", "amount");
        bodies.put("{" + valid.replace("100", "1.5") + "}", "amount");
        bodies.put("{" + valid.replace("\"usd\"", "\"USD\"") + "}", "currency");
        bodies.put("{" + valid.replace("\"usd\"", "\"xyz\"") + "}", "currency");
        bodies.put("{" + valid.replace("\"month\"", "\"monthly\"") + "}", "interval");
        bodies.put("{" + valid + ", \"interval_count\": 0}", "interval_count");
        bodies.put("{" + valid + ", \"interval_count\": 37}", "interval_count");
        bodies.put("{" + valid + ", \"auto_renew\": \"false\"}", "auto_renew");
        bodies.put("{" + valid + ", \"available_online\": 0}", "available_online");
        bodies.put("{" + valid + ", \"shipments_per_interval\": -1}", "shipments_per_interval");
        bodies.put("{" + valid + ", \"type\": \"gift\"}", "type");
        bodies.put("{" + valid + ", \"revenue_recognition_type\": \"cash\"}", "revenue_recognition_type");
        bodies.put("{" + valid + ", \"revenue_recognition_type\": \"shipment_based\"}", "revenue_recognition_type");
        bodies.put("{" + valid + ", \"entitlements\": \"a,b\"}", "entitlements");
        bodies.put("{" + valid + ", \"entitlements\": [\"a\", \"a\"]}", "entitlements.1");
        bodies.put("{" + valid + ", \"entitlements\": [\"has space\"]}", "entitlements.0");
        bodies.put("{" + valid + ", \"trial_period_days\": 731}", "trial_period_days");
        bodies.put("{" + valid + ", \"old_id\": \"" + "o".repeat(256) + "\"}", "old_id");
        bodies.put("{" + valid + ", \"active\": \"yes\"}", "active");
        bodies.put("{" + valid + ", \"metadata\": {\"k\": true}}", "metadata.k");
        bodies.put("{" + valid + ", \"price\": 5}", "price");
        bodies.forEach((body, field) -> post("/v1/plans", body).expectStatus().value(s -> assertThat(s)
                        .as(body).isIn(400, 422))
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[?(@.field == '" + field + "')]").exists());
        post("/v1/plans", "{" + valid + ", \"old_id\": \"dup-plan\"}").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("old_id");
        // a product of another site is no product
        String foreign = createProduct(SITE + "_foreign", "{\"name\": \"Foreign\"}");
        post("/v1/plans", "{" + valid.replace(product, foreign) + "}").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("product");

        patch("/v1/plans/" + plan, "{\"product\": \"" + foreign + "\"}").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("product");
        patch("/v1/plans/" + plan, "{\"amount\": null}").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("amount");
        patch("/v1/plans/" + plan, "{\"interval\": \"day\", \"interval_count\": 2000}").expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("interval_count");

        assertThat(rows("plans", SITE)).isEqualTo(before);
        get("/v1/plans/" + plan).expectStatus().isOk().expectBody().jsonPath("$.interval").isEqualTo("month");
        String marker = createPlan(product, "\"nickname\": \"Marker\"".replace("\"nickname\": \"Marker\"",
                "\"old_id\": \"marker\""));
        topic.awaitOne(TopicProbe.<Object>key(product).and(r -> r.value() instanceof PlanCreated c
                && c.getPlan().getId().equals(marker)));
        List<ConsumerRecord<String, Object>> ofProduct = everythingPublished().stream()
                .filter(r -> product.equals(r.key())).toList();
        assertThat(ofProduct.stream().map(r -> r.value().getClass().getSimpleName()).toList())
                .containsExactly("ProductCreated", "PlanCreated", "PlanCreated");
    }

    @Test
    void listsPageNewestFirstAndPlansFilterByProduct() {
        String site = SITE + "_lists";
        String a = createProduct(site, "{\"name\": \"A\"}");
        String b = createProduct(site, "{\"name\": \"B\"}");
        String c = createProduct(site, "{\"name\": \"C\"}");
        send("POST", "/v1/products/" + c + "/archive", site, null).expectStatus().isOk();
        Map<?, ?> first = send("GET", "/v1/products?limit=2", site, null).expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();
        List<Object> ids = ((List<?>) first.get("data")).stream().map(p -> (Object) ((Map<?, ?>) p).get("id")).toList();
        assertThat(ids).containsExactly(c, b);
        assertThat(first.get("has_more")).isEqualTo(true);
        send("GET", "/v1/products?starting_after=" + first.get("next_cursor"), site, null).expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(1).jsonPath("$.data[0].id").isEqualTo(a)
                .jsonPath("$.has_more").isEqualTo(false);
        send("GET", "/v1/products?active=false", site, null).expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(1).jsonPath("$.data[0].id").isEqualTo(c);
        send("GET", "/v1/products?active=maybe", site, null).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("active");

        String a1 = createPlan(site, a, "");
        String a2 = createPlan(site, a, "\"interval\": \"year\"".replace("\"interval\": \"year\"", "\"amount\": 5"));
        String b1 = createPlan(site, b, "");
        send("GET", "/v1/plans?product=" + a, site, null).expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(2)
                .jsonPath("$.data[0].id").isEqualTo(a2).jsonPath("$.data[1].id").isEqualTo(a1);
        send("GET", "/v1/plans?limit=1", site, null).expectStatus().isOk().expectBody()
                .jsonPath("$.data[0].id").isEqualTo(b1).jsonPath("$.has_more").isEqualTo(true);
        send("GET", "/v1/plans?product=nope", site, null).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("product");
        send("GET", "/v1/plans?limit=0", site, null).expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("limit");
    }

    @Test
    void exportsStreamEveryProductAndPlanOfTheSiteAsCsv() {
        String site = SITE + "_export";
        String product = createProduct(site, "{\"name\": \"Comma, \\\"Quoted\\\"\"}");
        for (int i = 0; i < 450; i++) {
            db.sql("""
                    INSERT INTO plans (id, site_id, product_id, nickname, amount, currency, billing_interval,
                        interval_count, auto_renew, available_online, shipments_per_interval, type,
                        revenue_recognition_type, entitlements, active, created_at, updated_at)
                    VALUES (:id, :site, :product, :nickname, 1900, 'usd', 'month', 1, true, true, 0, 'regular',
                        'time_based', '{a,b}', true, now(), now())""")
                    .bind("id", String.format("pln_%026d", i)).bind("site", site).bind("product", product)
                    .bind("nickname", "Bulk " + i).fetch().rowsUpdated().block();
        }
        createProduct(SITE + "_export_other", "{\"name\": \"Not in this export\"}");

        WebTestClient.ResponseSpec response = send("GET", "/v1/plans/export", site, null).expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.parseMediaType("text/csv"))
                .expectHeader().valueEquals(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"plans.csv\"")
                .expectHeader().doesNotExist(HttpHeaders.CONTENT_LENGTH);
        List<String> chunks = response.returnResult(DataBuffer.class).getResponseBody().map(buffer -> {
            String text = buffer.toString(java.nio.charset.StandardCharsets.UTF_8);
            DataBufferUtils.release(buffer);
            return text;
        }).collectList().block();
        assertThat(chunks).as("written in chunks as rows arrive").hasSizeGreaterThan(2);
        String[] lines = String.join("", chunks).split("\r\n");
        assertThat(lines).hasSize(451);
        assertThat(lines[0]).isEqualTo("id,product,nickname,description,amount,currency,interval,interval_count,"
                + "auto_renew,available_online,shipments_per_interval,type,revenue_recognition_type,entitlements,"
                + "trial_period_days,old_id,active,metadata,created_at,updated_at");
        assertThat(lines[1]).startsWith("pln_00000000000000000000000000," + product + ",Bulk 0,,1900,usd,month,1,"
                + "true,true,0,regular,time_based,\"a,b\",,,true,{},");

        String products = send("GET", "/v1/products/export", site, null).expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"products.csv\"")
                .expectBody(String.class).returnResult().getResponseBody();
        String[] productLines = products.split("\r\n");
        assertThat(productLines).hasSize(2);
        assertThat(productLines[0]).isEqualTo("id,name,description,address_required,active,statement_descriptor,"
                + "image,old_provider_id,metadata,created_at,updated_at");
        assertThat(productLines[1]).startsWith(product + ",\"Comma, \"\"Quoted\"\"\",,false,true,");
    }

    @Test
    void anotherSiteSeesAndChangesNothingOfThisOne() {
        String product = createProduct("{\"name\": \"Mine\"}");
        String plan = createPlan(product, "");
        String other = SITE + "_intruder";
        send("GET", "/v1/products/" + product, other, null).expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        send("PATCH", "/v1/products/" + product, other, "{\"name\": \"Theirs\"}").expectStatus().isNotFound();
        send("POST", "/v1/products/" + product + "/archive", other, null).expectStatus().isNotFound();
        send("DELETE", "/v1/products/" + product, other, null).expectStatus().isNotFound();
        send("GET", "/v1/plans/" + plan, other, null).expectStatus().isNotFound();
        send("PATCH", "/v1/plans/" + plan, other, "{\"amount\": 1}").expectStatus().isNotFound();
        send("DELETE", "/v1/plans/" + plan, other, null).expectStatus().isNotFound();
        send("GET", "/v1/plans?product=" + product, other, null).expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(0);
        send("GET", "/v1/products", other, null).expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(0);
        send("GET", "/v1/plans/export", other, null).expectStatus().isOk().expectBody(String.class)
                .value(csv -> assertThat(csv.split("\r\n")).hasSize(1));
        send("GET", "/v1/products/export", other, null).expectStatus().isOk().expectBody(String.class)
                .value(csv -> assertThat(csv.split("\r\n")).hasSize(1));
        get("/v1/products/" + product).expectStatus().isOk().expectBody().jsonPath("$.name").isEqualTo("Mine");
        get("/v1/plans/" + plan).expectStatus().isOk().expectBody().jsonPath("$.amount").isEqualTo(1900);
        assertThat(rows("products", other)).isZero();
    }

    @Test
    void theCatalogIsTheSiteAdminsOnly() {
        String product = createProduct("{\"name\": \"Admin only\"}");
        String token = "Bearer " + TestTokens.customer(SITE, "cus_00000000000000000000000000");
        web.get().uri("/v1/products/" + product).header(HttpHeaders.AUTHORIZATION, token).exchange()
                .expectStatus().isForbidden().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.post().uri("/v1/products").header(HttpHeaders.AUTHORIZATION, token).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"x\"}").exchange().expectStatus().isForbidden();
        web.get().uri("/v1/plans").header(HttpHeaders.AUTHORIZATION, token).exchange().expectStatus().isForbidden();
        web.get().uri("/v1/plans/export").header(HttpHeaders.AUTHORIZATION, token).exchange()
                .expectStatus().isForbidden();
        web.get().uri("/v1/products").exchange().expectStatus().isUnauthorized();
    }
}
