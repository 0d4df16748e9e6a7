package io.masthead.subscription.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.test.spring.TestTokens;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A customer or address the view does not have yet: asked of customer-service (here {@link CustomerServiceDouble},
 * a real HTTP server answering as customer-service does and verifying tokens with the platform's decoder) with the
 * caller's own token, kept when found, never remembered when not; customer-service away is a 503 with Retry-After.
 */
class CustomerDirectoryIntegrationTest extends CustomerViewTestSupport {

    static Map<String, Object> customerJson(String id, String email) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("object", "customer");
        json.put("old_provider_id", null);
        json.put("email", email);
        json.put("first_name", "Clark");
        json.put("last_name", "Kent");
        json.put("phone", "+1 555 0100");
        json.put("title", null);
        json.put("salutation", null);
        json.put("display_name", null);
        json.put("organization_id", null);
        json.put("metadata", Map.of("crm", "A-1"));
        json.put("created_at", "2026-03-01T10:00:00.000Z");
        json.put("updated_at", "2026-03-01T10:00:00.000Z");
        return json;
    }

    static Map<String, Object> addressJson(String id, String customerId, String type) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("object", "address");
        json.put("customer_id", customerId);
        json.put("type", type);
        json.put("first_name", null);
        json.put("last_name", null);
        json.put("salutation", null);
        json.put("title", null);
        json.put("company", "Daily Planet");
        json.put("department", "Newsroom");
        json.put("line1", "355 Rue Sainte-Catherine O");
        json.put("line2", null);
        json.put("city", "Montreal");
        json.put("state", "QC");
        json.put("postal_code", "H3B 1A5");
        json.put("country", "CA");
        json.put("phone", null);
        json.put("created_at", "2026-03-01T10:00:00.000Z");
        json.put("updated_at", "2026-03-01T10:00:00.000Z");
        return json;
    }

    @Test
    void aCustomerNotInTheViewYetIsAskedOfCustomerServiceWithTheCallersTokenAndKept() {
        String site = newSite();
        String id = customerId();
        customerService.knowCustomer(site, customerJson(id, "clark@dailyplanet.example"));
        String token = admin(site);

        askForCustomer(token, id).expectStatus().isOk().expectBody()
                .jsonPath("$.id").isEqualTo(id)
                .jsonPath("$.email").isEqualTo("clark@dailyplanet.example")
                .jsonPath("$.name").isEqualTo("Clark Kent");

        assertThat(customerService.received("/v1/customers/" + id)).singleElement()
                .extracting(CustomerServiceDouble.Received::token).isEqualTo(token);
        assertThat(customerRow(site, id).orElseThrow()).containsEntry("email", "clark@dailyplanet.example")
                .containsEntry("updated_at", OffsetDateTime.parse("2026-03-01T10:00:00Z"));
        assertThat(search(site, "clark kent")).containsExactly(id);

        // kept: the next request is answered from the view
        askForCustomer(admin(site), id).expectStatus().isOk();
        assertThat(customerService.received("/v1/customers/" + id)).hasSize(1);
    }

    @Test
    void aCustomerCustomerServiceDoesNotKnowIsRefusedOnTheFieldAndNotRemembered() {
        String site = newSite();
        String id = customerId();

        askForCustomer(admin(site), id).expectStatus().isEqualTo(422)
                .expectHeader().contentType("application/problem+json")
                .expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("customer")
                .jsonPath("$.errors[0].message").isEqualTo("is not a known customer ('" + id + "')");
        assertThat(customerRow(site, id)).isEmpty();

        customerService.knowCustomer(site, customerJson(id, "late@example.com"));

        askForCustomer(admin(site), id).expectStatus().isOk().expectBody()
                .jsonPath("$.email").isEqualTo("late@example.com");
        assertThat(customerService.received("/v1/customers/" + id)).hasSize(2);
    }

    @Test
    void aCustomerOfAnotherSiteIsUnknownEvenToCustomerService() {
        String site = newSite();
        String id = customerId();
        customerService.knowCustomer(site, customerJson(id, "clark@dailyplanet.example"));

        askForCustomer(admin(newSite()), id).expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("customer");

        assertThat(customerService.received("/v1/customers/" + id)).singleElement()
                .extracting(r -> r.token() != null).isEqualTo(true);
        assertThat(customerRow(site, id)).isEmpty();
    }

    @Test
    void anEndCustomerIsAnsweredForItselfOnly() {
        String site = newSite();
        String self = customerId();
        String other = customerId();
        customerService.knowCustomer(site, customerJson(self, "self@example.com"));
        customerService.knowCustomer(site, customerJson(other, "other@example.com"));

        askForCustomer(TestTokens.customer(site, self), self).expectStatus().isOk();
        // another customer: 403 before any lookup (customer-service is not asked), and nothing kept
        askForCustomer(TestTokens.customer(site, self), other).expectStatus().isForbidden();
        assertThat(customerService.received("/v1/customers/" + other)).isEmpty();
        assertThat(customerRow(site, other)).isEmpty();
    }

    @Test
    void somethingThatIsNotACustomerIdIsRefusedWithoutAskingAnyone() {
        String site = newSite();

        askForCustomer(admin(site), "sub_01jt3z8x9k2m4n6p8q0r2s4t6v").expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("customer");

        assertThat(customerService.received("/v1/customers/sub_01jt3z8x9k2m4n6p8q0r2s4t6v")).isEmpty();
    }

    @Test
    void customerServiceUnreachableOrFailingIsA503WithRetryAfterAndNothingIsKept() {
        String site = newSite();
        String id = customerId();
        customerService.knowCustomer(site, customerJson(id, "clark@dailyplanet.example"));

        customerService.stop();
        try {
            askForCustomer(admin(site), id).expectStatus().isEqualTo(503)
                    .expectHeader().valueEquals("Retry-After", "3")
                    .expectHeader().contentType("application/problem+json")
                    .expectBody()
                    .jsonPath("$.status").isEqualTo(503)
                    .jsonPath("$.errors[0].field").isEqualTo("customer");
        } finally {
            customerService.start();
        }
        assertThat(customerRow(site, id)).isEmpty();

        customerService.failWith(500);
        askForCustomer(admin(site), id).expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "3");
        customerService.failWith(429);
        askForAddress(admin(site), id, addressId()).expectStatus().isEqualTo(503).expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("shipping_address");
        assertThat(customerRow(site, id)).isEmpty();

        customerService.failWith(0);
        askForCustomer(admin(site), id).expectStatus().isOk();
    }

    @Test
    void anAddressNotInTheViewYetIsAskedOfCustomerServiceAndMustBeOfTheCustomer() {
        String site = newSite();
        String customer = customerId();
        String shipping = addressId();
        customerService.knowAddress(site, addressJson(shipping, customer, "shipping"));

        askForAddress(admin(site), customer, shipping).expectStatus().isOk().expectBody()
                .jsonPath("$.id").isEqualTo(shipping)
                .jsonPath("$.type").isEqualTo("shipping");
        assertThat(addressRow(site, shipping).orElseThrow()).containsEntry("customer_id", customer)
                .containsEntry("company", "Daily Planet").containsEntry("type", "shipping");

        // of another customer: refused, whether from the view...
        askForAddress(admin(site), customerId(), shipping).expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("shipping_address");
        // ...or from customer-service
        String othersAddress = addressId();
        customerService.knowAddress(site, addressJson(othersAddress, customerId(), "billing"));
        askForAddress(admin(site), customer, othersAddress).expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("shipping_address");
        // unknown to customer-service
        askForAddress(admin(site), customer, addressId()).expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m).startsWith("is not a known address"));
        assertThat(customerService.received("/v1/addresses/" + shipping)).hasSize(1);
    }
}
