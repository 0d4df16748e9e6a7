package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.test.platform.PlatformUnderTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Site A's key can do nothing with site B's customers: not read, list, search, export or change them. */
class SiteIsolationTest {

    private static WebTestClient siteA;
    private static WebTestClient siteB;
    private static String customerOfB;
    private static final String MARKER = "isolation-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void twoSites() {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        siteA = Gateway.as(platform.createSite("Site A").secretKey());
        siteB = Gateway.as(platform.createSite("Site B").secretKey());
        customerOfB = siteB.post().uri("/v1/customers")
                .bodyValue("{\"email\": \"" + MARKER + "@b.example\", \"first_name\": \"" + MARKER + "\"}")
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
        siteB.post().uri("/v1/customers/" + customerOfB + "/addresses")
                .bodyValue("{\"type\": \"billing\", \"line1\": \"1 " + MARKER + " St\", \"country\": \"US\"}")
                .exchange().expectStatus().isCreated();
    }

    @Test
    void siteBSeesItsOwnCustomer() {
        siteB.get().uri("/v1/customers/" + customerOfB).exchange().expectStatus().isOk();
        siteB.get().uri("/v1/customers/search?query=" + MARKER).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(1);
    }

    @Test
    void siteACannotReadIt() {
        siteA.get().uri("/v1/customers/" + customerOfB).exchange().expectStatus().isNotFound();
        siteA.get().uri("/v1/customers/" + customerOfB + "/addresses").exchange().expectStatus().isNotFound();
    }

    @Test
    void siteACannotListSearchOrExportIt() {
        siteA.get().uri("/v1/customers?limit=100").exchange().expectStatus().isOk().expectBody(String.class)
                .value(body -> assertThat(body).doesNotContain(customerOfB));
        siteA.get().uri("/v1/customers/search?query=" + MARKER).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(0);
        siteA.get().uri("/v1/customers/export").exchange().expectStatus().isOk().expectBody(String.class)
                .value(csv -> assertThat(csv).doesNotContain(customerOfB).doesNotContain(MARKER));
        siteA.get().uri("/v1/addresses/export").exchange().expectStatus().isOk().expectBody(String.class)
                .value(csv -> assertThat(csv).doesNotContain(MARKER));
    }

    @Test
    void siteACannotChangeIt() {
        siteA.patch().uri("/v1/customers/" + customerOfB).bodyValue("{\"first_name\": \"hijacked\"}").exchange()
                .expectStatus().isNotFound();
        siteA.post().uri("/v1/customers/" + customerOfB + "/addresses")
                .bodyValue("{\"type\": \"shipping\", \"line1\": \"2 Evil St\", \"country\": \"US\"}").exchange()
                .expectStatus().isNotFound();
        siteA.post().uri("/v1/customers").bodyValue("{\"email\": \"" + MARKER + "@b.example\"}").exchange()
                .expectStatus().isCreated(); // the same email is free on another site
        siteB.get().uri("/v1/customers/" + customerOfB).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.first_name").isEqualTo(MARKER);
    }
}
