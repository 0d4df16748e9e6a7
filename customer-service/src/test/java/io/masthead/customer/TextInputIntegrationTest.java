package io.masthead.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.customer.CustomerCreated;
import io.masthead.test.kafka.TopicProbe;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.masthead.test.spring.TestTokens;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Text PostgreSQL cannot store (NUL), other control characters, unpaired surrogates and over-long values, in
 * bodies, merge patches, metadata keys, query parameters and path segments: each is a problem naming the field
 * or parameter, never a 500, and nothing is written or published.
 */
@MastheadIntegrationTest(database = "customers_text")
class TextInputIntegrationTest {

    private static final String SITE = "site_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static TopicProbe<Object> topic;

    @Autowired
    WebTestClient web;

    @Autowired
    DatabaseClient db;

    @LocalServerPort
    int port;

    @BeforeAll
    static void openProbe() {
        topic = TopicProbe.avro("customers.v1");
    }

    @AfterAll
    static void closeProbe() {
        topic.close();
    }

    private WebTestClient.ResponseSpec send(org.springframework.http.HttpMethod method, String path, String json) {
        return web.method(method).uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }

    private WebTestClient.ResponseSpec get(String rawPath) {
        return web.get().uri(java.net.URI.create("http://localhost:" + port + rawPath))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE)).exchange();
    }

    private void refused(WebTestClient.ResponseSpec response, int status, String field) {
        response.expectStatus().isEqualTo(status)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(status)
                .jsonPath("$.errors[?(@.field == '" + field + "')]").exists();
    }

    private long rows(String table) {
        return db.sql("SELECT count(*) AS n FROM " + table + " WHERE site_id = :site").bind("site", SITE)
                .map(row -> row.get("n", Long.class)).one().block();
    }

    private String create(String json) {
        return send(org.springframework.http.HttpMethod.POST, "/v1/customers", json).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    @Test
    void badTextInBodiesIsA422NamingTheFieldAndChangesNothing() {
        String customer = create("{\"first_name\": \"Clark\"}");
        topic.awaitOne(TopicProbe.<Object>key(customer).and(TopicProbe.valueOfType(CustomerCreated.class)));
        long customers = rows("customers");
        long addresses = rows("addresses");
        long organizations = rows("organizations");
        var post = org.springframework.http.HttpMethod.POST;
        var patch = org.springframework.http.HttpMethod.PATCH;

        refused(send(post, "/v1/customers", "{\"first_name\": \"a\\u0000b\"}"), 422, "first_name");
        refused(send(post, "/v1/customers", "{\"last_name\": \"\\ud800\"}"), 422, "last_name");
        refused(send(post, "/v1/customers", "{\"metadata\": {\"k\": \"\\u001b[31m\"}}"), 422, "metadata.k");
        refused(send(post, "/v1/customers", "{\"metadata\": {\"k\\u0000\": \"v\"}}"), 422, "metadata");
        refused(send(post, "/v1/customers", "{\"phone\": \"" + "-".repeat(60) + "1\"}"), 422, "phone");
        refused(send(post, "/v1/customers", "{\"title\": \"" + "x".repeat(20_000) + "\"}"), 422, "title");
        refused(send(patch, "/v1/customers/" + customer, "{\"first_name\": \"\\u0000\"}"), 422, "first_name");
        refused(send(patch, "/v1/customers/" + customer, "{\"metadata\": {\"a\": \"\\u0007\"}}"), 422, "metadata.a");
        refused(send(post, "/v1/customers/" + customer + "/addresses",
                "{\"type\": \"billing\", \"line1\": \"1 Main\\u0000St\", \"country\": \"US\"}"), 422, "line1");
        refused(send(post, "/v1/organizations", "{\"name\": \"ACME\\u0000\"}"), 422, "name");

        assertThat(rows("customers")).isEqualTo(customers);
        assertThat(rows("addresses")).isEqualTo(addresses);
        assertThat(rows("organizations")).isEqualTo(organizations);
        get("/v1/customers/" + customer).expectStatus().isOk().expectBody().jsonPath("$.first_name").isEqualTo("Clark");

        // a marker created after the refusals: once its event is on the topic, none of theirs can follow
        String marker = create("{\"first_name\": \"Marker\"}");
        topic.awaitOne(TopicProbe.<Object>key(marker).and(TopicProbe.valueOfType(CustomerCreated.class)));
        assertThat(topic.received()).filteredOn(TextInputIntegrationTest::ofSite)
                .extracting(ConsumerRecord::key).containsOnly(customer, marker);
    }

    @Test
    void badTextInQueryParametersAndPathsIsA400NamingThem() {
        refused(get("/v1/customers/search?query=ab%00cd"), 400, "query");
        refused(get("/v1/customers?starting_after=cus_%00"), 400, "starting_after");
        refused(get("/v1/customers?email=%1B"), 400, "email");
        refused(get("/v1/customers?limit=" + "9".repeat(2_000)), 400, "limit");
        refused(get("/v1/customers/cus_%00abc"), 400, "path");
        refused(get("/v1/customers/search?query=" + "a".repeat(300)), 422, "query");
    }

    @Test
    void pathsTheFirewallRefusesAreProblemsToo() {
        refused(get("/v1/customers/%2F"), 400, "path");
        refused(get("/v1/customers/..%5c..%5cv1"), 400, "path");
        refused(get("/v1/customers/%2e%2e/addresses"), 400, "path");
    }

    @Test
    void aChangeWhoseResponseCouldNotBeWrittenIsRefusedBeforeItRuns() {
        long before = rows("organizations");
        web.post().uri("/v1/organizations").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .header(HttpHeaders.ACCEPT, "image/png").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"Not Acceptable Inc.\"}").exchange()
                .expectStatus().isEqualTo(406)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("Accept");
        assertThat(rows("organizations")).isEqualTo(before);
        web.post().uri("/v1/organizations").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin(SITE))
                .header(HttpHeaders.ACCEPT, "text/html, application/*;q=0.5").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"Acceptable Inc.\"}").exchange()
                .expectStatus().isCreated();
        assertThat(rows("organizations")).isEqualTo(before + 1);
    }

    @Test
    void whatTheHttpServerRefusesByItselfIsAProblemToo() throws Exception {
        assertRawProblem("GET /v1/customers?limit=" + "9".repeat(5_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
        assertRawProblem("GET /v1/customers HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n", 431);
        assertRawProblem("GET /v1/customers?% HTTP/1.1\r\nHost: x\r\n\r\n", 400);
        assertRawProblem("GET /v1/customers?email=x&%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    }

    /** Sends raw bytes (no client would send these) and reads the whole answer of a closing connection. */
    private void assertRawProblem(String request, int status) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            java.io.InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            String text = "";
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, n);
                text = answer.toString(java.nio.charset.StandardCharsets.UTF_8);
                int headersEnd = text.indexOf("\r\n\r\n");
                java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                        .matcher(text);
                if (headersEnd > 0 && length.find() && text.length() >= headersEnd + 4 + Integer.parseInt(length.group(1))) {
                    break;
                }
            }
            assertThat(text).startsWith("HTTP/1.1 " + status);
            assertThat(text.toLowerCase(java.util.Locale.ROOT)).contains("content-type: application/problem+json");
            assertThat(text).contains("\"status\":" + status);
        }
    }

    private static boolean ofSite(ConsumerRecord<String, Object> record) {
        return record.value() instanceof org.apache.avro.specific.SpecificRecord r
                && r.get(r.getSchema().getField("header").pos()) instanceof io.masthead.events.EventHeader h
                && h.getSiteId().equals(SITE);
    }
}
