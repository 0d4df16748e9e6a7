package io.masthead.customer.customer.web;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.masthead.customer.customer.application.CustomerService;
import io.masthead.customer.customer.model.Customer;
import io.masthead.customer.customer.model.CustomerProfile;
import io.masthead.platform.security.Caller;
import io.masthead.platform.security.ResourceServerAutoConfiguration;
import io.masthead.platform.time.TimeAutoConfiguration;
import io.masthead.platform.web.WebAutoConfiguration;
import io.masthead.test.spring.TestTokens;
import io.masthead.test.spring.WebSlices;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;

/** The HTTP contract of customers alone: JSON shape, status codes, problems, roles. */
@WebFluxTest(CustomerController.class)
@ImportAutoConfiguration({WebAutoConfiguration.class, ResourceServerAutoConfiguration.class,
    TimeAutoConfiguration.class})
class CustomerControllerSliceTest {

    @DynamicPropertySource
    static void serviceProperties(DynamicPropertyRegistry registry) {
        WebSlices.serviceProperties(registry);
    }

    @Autowired
    WebTestClient web;

    @MockitoBean
    CustomerService service;

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void createAnswers201WithLocationAndTheSnakeCaseResource() {
        given(service.create(any(Caller.class), any(CustomerProfile.class))).willAnswer(call -> Mono.just(
                Customer.create("cus_01jd00000000000000000000aa", "site_a", call.getArgument(1), NOW)));
        web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin("site_a"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", "jane@example.com", "first_name", "Jane", "display_name", "jdoe"))
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().location("/v1/customers/cus_01jd00000000000000000000aa")
                .expectBody()
                .jsonPath("$.object").isEqualTo("customer")
                .jsonPath("$.first_name").isEqualTo("Jane")
                .jsonPath("$.display_name").isEqualTo("jdoe")
                .jsonPath("$.created_at").isEqualTo("2026-11-21T10:00:00Z");
    }

    @Test
    void anUnknownFieldIsA400NamingItAndTheServiceIsNeverCalled() {
        web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin("site_a"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"email\": \"a@b.io\", \"emial\": \"x\"}")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("emial");
        verify(service, never()).create(any(), any());
    }

    @Test
    void customersCannotCreateCustomersAndStrangersAreUnauthorized() {
        web.post().uri("/v1/customers").header(HttpHeaders.AUTHORIZATION,
                        "Bearer " + TestTokens.customer("site_a", "cus_01jd00000000000000000000aa"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isForbidden().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.get().uri("/v1/customers/cus_01jd00000000000000000000aa").exchange()
                .expectStatus().isUnauthorized().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        verify(service, never()).create(any(), any());
    }

    @Test
    void aMalformedIdIs404WithoutALookup() {
        web.get().uri("/v1/customers/42").header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin("site_a"))
                .exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo("urn:masthead:problem:not-found");
        verify(service, never()).get(any(), any());
    }
}
