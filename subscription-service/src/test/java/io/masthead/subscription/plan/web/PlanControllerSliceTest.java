package io.masthead.subscription.plan.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.masthead.platform.security.Caller;
import io.masthead.platform.security.ResourceServerAutoConfiguration;
import io.masthead.platform.time.TimeAutoConfiguration;
import io.masthead.platform.web.WebAutoConfiguration;
import io.masthead.subscription.plan.application.PlanService;
import io.masthead.subscription.plan.model.Plan;
import io.masthead.subscription.plan.model.PlanTerms;
import io.masthead.test.spring.TestTokens;
import io.masthead.test.spring.WebSlices;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
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

/** The HTTP contract of plans alone: JSON shape, strict types, status codes, problems, roles. */
@WebFluxTest(PlanController.class)
@ImportAutoConfiguration({WebAutoConfiguration.class, ResourceServerAutoConfiguration.class,
    TimeAutoConfiguration.class})
class PlanControllerSliceTest {

    @DynamicPropertySource
    static void serviceProperties(DynamicPropertyRegistry registry) {
        WebSlices.serviceProperties(registry);
    }

    @Autowired
    WebTestClient web;

    @MockitoBean
    PlanService service;

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final String PLAN = "pln_01jd00000000000000000000aa";
    private static final String PRODUCT = "prd_01jd00000000000000000000aa";

    private WebTestClient.RequestBodySpec post(String path) {
        return web.post().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin("site_a"))
                .contentType(MediaType.APPLICATION_JSON);
    }

    @Test
    void createReadsTheTermsAndAnswers201WithLocation() {
        given(service.create(any(Caller.class), anyString(), any(PlanTerms.class))).willAnswer(call -> Mono.just(
                Plan.create(PLAN, "site_a", call.getArgument(1), ((PlanTerms) call.getArgument(2)).withDefaults(),
                        NOW)));
        post("/v1/plans").bodyValue("""
                {"product": "%s", "nickname": "Monthly", "amount": 1900, "currency": "usd", "interval": "month",
                 "entitlements": ["digital"], "auto_renew": false}""".formatted(PRODUCT))
                .exchange()
                .expectStatus().isCreated()
                .expectHeader().location("/v1/plans/" + PLAN)
                .expectBody()
                .jsonPath("$.object").isEqualTo("plan")
                .jsonPath("$.product").isEqualTo(PRODUCT)
                .jsonPath("$.amount").isEqualTo(1900)
                .jsonPath("$.interval_count").isEqualTo(1)
                .jsonPath("$.auto_renew").isEqualTo(false)
                .jsonPath("$.entitlements[0]").isEqualTo("digital")
                .jsonPath("$.created_at").isEqualTo("2026-11-21T10:00:00Z");
        ArgumentCaptor<PlanTerms> terms = ArgumentCaptor.forClass(PlanTerms.class);
        verify(service).create(any(Caller.class), eq(PRODUCT), terms.capture());
        assertThat(terms.getValue().amount()).isEqualTo(1900L);
        assertThat(terms.getValue().autoRenew()).isFalse();
        assertThat(terms.getValue().intervalCount()).as("defaults are the service's business").isNull();
    }

    @Test
    void wrongTypesAreOneProblemNamingEveryFieldAndNeverReachTheService() {
        post("/v1/plans").bodyValue("""
                {"product": 7, "nickname": "n", "amount": "1900", "currency": "usd", "interval": "month",
                 "interval_count": 1.5, "auto_renew": "yes", "entitlements": [1], "price": 3}""")
                .exchange()
                .expectStatus().isEqualTo(422)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.errors[?(@.field == 'price')]").exists();
        post("/v1/plans").bodyValue("""
                {"product": "%s", "nickname": "n", "amount": "1900", "currency": "usd", "interval": "month",
                 "interval_count": 1.5, "auto_renew": "yes", "entitlements": [1]}""".formatted(PRODUCT))
                .exchange()
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.errors[?(@.field == 'amount')]").exists()
                .jsonPath("$.errors[?(@.field == 'interval_count')]").exists()
                .jsonPath("$.errors[?(@.field == 'auto_renew')]").exists()
                .jsonPath("$.errors[?(@.field == 'entitlements.0')]").exists()
                .jsonPath("$.errors.length()").isEqualTo(4);
        web.patch().uri("/v1/plans/" + PLAN).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin("site_a"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"product\": \"" + PRODUCT + "\"}").exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("product");
        verify(service, never()).create(any(), any(), any());
        verify(service, never()).update(any(), any(), any());
    }

    @Test
    void anIdOfAnotherShapeIs404AndDeleteIs204() {
        web.get().uri("/v1/plans/prd_01jd00000000000000000000aa")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin("site_a")).exchange()
                .expectStatus().isNotFound().expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        given(service.delete(any(Caller.class), eq(PLAN))).willReturn(Mono.empty());
        web.delete().uri("/v1/plans/" + PLAN).header(HttpHeaders.AUTHORIZATION, "Bearer " + TestTokens.admin("site_a"))
                .exchange().expectStatus().isNoContent().expectBody().isEmpty();
    }

    @Test
    void aCustomerTokenIsForbidden() {
        web.post().uri("/v1/plans").header(HttpHeaders.AUTHORIZATION, "Bearer "
                        + TestTokens.customer("site_a", "cus_01jd00000000000000000000aa"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isForbidden();
        verify(service, never()).create(any(), any(), any());
    }
}
