package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.test.platform.PlatformUnderTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * End customers acting for themselves, every service behind the gateway: an admin sets a password, the customer
 * logs in with the site's publishable key and its token reads its own customer and subscriptions only; another
 * customer's are 404, admin-only operations 403, another site's objects 404; wrong passwords are 401 and then 429;
 * logout and the site's clock end a token (401).
 */
class CustomerSelfServiceThroughGatewayTest {

    private static final String PASSWORD = "correct horse battery";

    private static String created(WebTestClient api, String path, String body) {
        return api.post().uri(path).bodyValue(body).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id").toString();
    }

    private static String customerWithPassword(WebTestClient admin, String email) {
        String customer = created(admin, "/v1/customers", "{\"email\": \"" + email + "\"}");
        admin.post().uri("/v1/customers/" + customer + "/password").bodyValue("{\"password\": \"" + PASSWORD + "\"}")
                .exchange().expectStatus().isNoContent();
        return customer;
    }

    private static String publishableKey(WebTestClient admin) {
        String key = admin.post().uri("/v1/api_keys").bodyValue("{\"type\": \"publishable\"}").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("secret")
                .toString();
        assertThat(key).startsWith("pk_test_");
        return key;
    }

    private static WebTestClient.ResponseSpec login(String publishable, String email, String password) {
        return Gateway.as(publishable).post().uri("/v1/auth/login")
                .bodyValue(Map.of("email", email, "password", password)).exchange();
    }

    private static String token(String publishable, String email) {
        Map<?, ?> session = login(publishable, email, PASSWORD).expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(session.get("token").toString()).startsWith("cst_test_");
        return session.get("token").toString();
    }

    private static String subscription(WebTestClient admin, String customer, String plan) {
        return created(admin, "/v1/subscriptions", "{\"customer\": \"" + customer + "\", \"plan\": \"" + plan + "\"}");
    }

    private static String plan(WebTestClient admin) {
        String product = created(admin, "/v1/products", "{\"name\": \"The Daily\"}");
        return created(admin, "/v1/plans", """
                {"product": "%s", "nickname": "Monthly", "amount": 1500, "currency": "usd", "interval": "month"}"""
                .formatted(product));
    }

    @Test
    void aCustomerLogsInWithAPublishableKeyAndReadsOnlyItsOwnCustomerAndSubscriptions() {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        PlatformUnderTest.Site site = platform.createSite("Self service " + UUID.randomUUID());
        WebTestClient admin = Gateway.as(site.secretKey());
        String email = "lois-" + UUID.randomUUID() + "@dailyplanet.example";
        String me = customerWithPassword(admin, email);
        String other = created(admin, "/v1/customers", "{\"email\": \"other-" + UUID.randomUUID() + "@example.com\"}");
        String plan = plan(admin);
        String mySubscription = subscription(admin, me, plan);
        String othersSubscription = subscription(admin, other, plan);
        String publishable = publishableKey(admin);

        // a publishable key alone grants nothing but login
        Gateway.as(publishable).get().uri("/v1/customers/" + me).exchange().expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        login(publishable, email, "not the password").expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);

        WebTestClient customer = Gateway.as(token(publishable, email));
        customer.get().uri("/v1/customers/" + me).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.email").isEqualTo(email).jsonPath("$.password").doesNotExist();
        customer.get().uri("/v1/subscriptions/" + mySubscription).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.customer").isEqualTo(me);
        customer.get().uri("/v1/subscriptions?customer=" + me).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data[*].id").value(ids -> assertThat((List<Object>) ids)
                        .containsExactly((Object) mySubscription));
        customer.patch().uri("/v1/customers/" + me).bodyValue("{\"first_name\": \"Lois\"}").exchange()
                .expectStatus().isOk();

        // another customer's objects are as unknown as objects that do not exist
        for (String path : List.of("/v1/customers/" + other, "/v1/customers/" + other + "/addresses",
                "/v1/subscriptions/" + othersSubscription)) {
            customer.get().uri(path).exchange().expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        // admin-only operations, of every service and of the gateway
        for (String path : List.of("/v1/customers", "/v1/subscriptions", "/v1/subscriptions?customer=" + other,
                "/v1/webhook_endpoints", "/v1/events", "/v1/api_keys", "/v1/test_clock", "/v1/plans",
                "/v1/customers/export")) {
            customer.get().uri(path).exchange().expectStatus().isForbidden()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        customer.post().uri("/v1/customers/" + me + "/password").bodyValue("{\"password\": \"my own choice\"}")
                .exchange().expectStatus().isForbidden();
        customer.post().uri("/v1/subscriptions/" + mySubscription + "/cancel").bodyValue("{}").exchange()
                .expectStatus().isForbidden();
        customer.post().uri("/v1/api_keys").exchange().expectStatus().isForbidden();

        // another site's objects: 404, its keys do not log this site's customers in
        PlatformUnderTest.Site siteB = platform.createSite("Self service B " + UUID.randomUUID());
        WebTestClient adminB = Gateway.as(siteB.secretKey());
        String customerB = created(adminB, "/v1/customers", "{\"email\": \"b-" + UUID.randomUUID() + "@example.com\"}");
        String subscriptionB = subscription(adminB, customerB, plan(adminB));
        customer.get().uri("/v1/customers/" + customerB).exchange().expectStatus().isNotFound();
        customer.get().uri("/v1/subscriptions/" + subscriptionB).exchange().expectStatus().isNotFound();
        login(publishableKey(adminB), email, PASSWORD).expectStatus().isUnauthorized();

        // support tools: a session of the customer made with the secret key acts the same
        Map<?, ?> support = admin.post().uri("/v1/customers/" + me + "/sessions").exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(support.get("customer")).isEqualTo(me);
        Gateway.as(support.get("token").toString()).get().uri("/v1/subscriptions/" + mySubscription).exchange()
                .expectStatus().isOk();
    }

    @Test
    void logoutRevokesTheTokenAndRepeatedWrongPasswordsAreRefusedWith429() {
        PlatformUnderTest.Site site = PlatformUnderTest.shared().createSite("Logout " + UUID.randomUUID());
        WebTestClient admin = Gateway.as(site.secretKey());
        String email = "clark-" + UUID.randomUUID() + "@dailyplanet.example";
        String me = customerWithPassword(admin, email);
        String publishable = publishableKey(admin);

        String token = token(publishable, email);
        Gateway.as(token).get().uri("/v1/customers/" + me).exchange().expectStatus().isOk();
        Gateway.as(token).post().uri("/v1/auth/logout").exchange().expectStatus().isNoContent();
        Gateway.as(token).get().uri("/v1/customers/" + me).exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);

        for (int i = 0; i < 5; i++) {
            login(publishable, email, "wrong guess " + i).expectStatus().isUnauthorized();
        }
        login(publishable, email, PASSWORD).expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void aTokenExpiresWhenTheSitesClockPassesItsLifetime() {
        PlatformUnderTest.Site site = PlatformUnderTest.shared().createSite("Expiry " + UUID.randomUUID());
        WebTestClient admin = Gateway.as(site.secretKey());
        String email = "jimmy-" + UUID.randomUUID() + "@dailyplanet.example";
        String me = customerWithPassword(admin, email);
        String token = token(publishableKey(admin), email);
        Gateway.as(token).get().uri("/v1/customers/" + me).exchange().expectStatus().isOk();

        Map<?, ?> accepted = admin.post().uri("/v1/test_clock/advance").bodyValue("{\"by\": \"PT2H\"}").exchange()
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody();
        Instant target = Instant.parse(accepted.get("advancing_to").toString());
        Awaitility.await("the test clock ready").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Map<?, ?> clock = admin.get().uri("/v1/test_clock").exchange().expectStatus().isOk()
                            .expectBody(Map.class).returnResult().getResponseBody();
                    return "ready".equals(clock.get("status"))
                            && !Instant.parse(clock.get("now").toString()).isBefore(target);
                });
        Gateway.as(token).get().uri("/v1/customers/" + me).exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.detail").isEqualTo("The customer token is unknown, expired or revoked: "
                        + "log in again");
    }
}
