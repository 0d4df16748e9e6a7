package io.masthead.subscription.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.events.customer.Customer;
import io.masthead.platform.consumer.DeadLetters;
import io.masthead.platform.id.Ids;
import io.masthead.platform.kafka.EventHeaders;
import io.masthead.test.kafka.TopicProbe;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** customers.v1 into the customer view: snapshots applied, kept newest-first, deduplicated, searchable per site. */
class CustomerViewIntegrationTest extends CustomerViewTestSupport {

    @Test
    void aCreatedCustomerIsKeptAndItsUpdatesReplaceIt() {
        String site = newSite();
        String id = customerId();
        events.customerCreated(site, CustomerEvents.customer(id, at("2026-03-01T10:00:00.000Z"))
                .setEmail("perry@dailyplanet.example").setFirstName("Perry").setLastName("White")
                .setPhone("+1 514 123 4567").setDisplayName("perrywhite").setOldProviderId("legacy-1").build());

        await().atMost(TIMEOUT).until(() -> customerRow(site, id).isPresent());
        assertThat(customerRow(site, id).orElseThrow())
                .containsEntry("email", "perry@dailyplanet.example").containsEntry("first_name", "Perry")
                .containsEntry("last_name", "White").containsEntry("phone", "+1 514 123 4567")
                .containsEntry("display_name", "perrywhite").containsEntry("old_provider_id", "legacy-1");

        events.customerUpdated(site, CustomerEvents.customer(id, at("2026-03-01T10:00:00.000Z"))
                .setUpdatedAt(at("2026-03-02T10:00:00.000Z"))
                .setEmail("perry.white@dailyplanet.example").setFirstName("Perry").setLastName("White").build());

        await().atMost(TIMEOUT).until(() -> "perry.white@dailyplanet.example"
                .equals(customerRow(site, id).orElseThrow().get("email")));
        assertThat(customerRow(site, id).orElseThrow()).containsEntry("phone", null)
                .containsEntry("display_name", null)
                .containsEntry("updated_at", OffsetDateTime.parse("2026-03-02T10:00:00Z"));
    }

    @Test
    void anOlderSnapshotArrivingAfterANewerOneChangesNothing() {
        String site = newSite();
        String id = customerId();
        Customer.Builder customer = CustomerEvents.customer(id, at("2026-03-01T10:00:00.000Z"));
        events.customerCreated(site, customer.setEmail("first@example.com").build());
        events.customerUpdated(site, customer.setUpdatedAt(at("2026-03-03T10:00:00.000Z"))
                .setEmail("newest@example.com").build());
        String late = events.customerUpdated(site, customer.setUpdatedAt(at("2026-03-02T10:00:00.000Z"))
                .setEmail("older@example.com").build());

        awaitProcessed(late);

        assertThat(customerRow(site, id).orElseThrow()).containsEntry("email", "newest@example.com")
                .containsEntry("updated_at", OffsetDateTime.parse("2026-03-03T10:00:00Z"));
        assertThat(search(site, "older")).isEmpty();
        assertThat(search(site, "newest")).containsExactly(id);
    }

    @Test
    void anEventDeliveredTwiceIsAppliedOnce() {
        String site = newSite();
        String id = customerId();
        Customer.Builder customer = CustomerEvents.customer(id, at("2026-03-01T10:00:00.000Z"));
        events.customerCreated(site, customer.setEmail("a@example.com").build());
        String update = events.customerUpdated(site, customer.setUpdatedAt(at("2026-03-02T10:00:00.000Z"))
                .setEmail("b@example.com").build());
        // the same event again (a replay): were it applied, its (here different, newer) snapshot would win
        events.customerUpdated(update, site, customer.setUpdatedAt(at("2026-03-05T10:00:00.000Z"))
                .setEmail("replayed@example.com").build());
        // a later record of the same key (same partition, consumed after the replay): the positive marker
        String address = addressId();
        events.addressCreated(site, CustomerEvents.address(address, id, "billing", at("2026-03-06T10:00:00.000Z"))
                .build());

        await().atMost(TIMEOUT).until(() -> addressRow(site, address).isPresent());

        assertThat(customerRow(site, id).orElseThrow()).containsEntry("email", "b@example.com");
    }

    @Test
    void customersAreFoundByNameEmailPhoneCompanyDepartmentOrOrganizationWithinTheirSiteOnly() {
        String site = newSite();
        String otherSite = newSite();
        String perry = customerId();
        String lois = customerId();
        String otherPerry = customerId();
        String organization = Ids.next("org", Clock.systemUTC());
        events.organizationCreated(site, organization, "Daily Planet Media", at("2026-03-01T09:00:00.000Z"));
        events.customerCreated(site, CustomerEvents.customer(perry, at("2026-03-01T10:00:00.000Z"))
                .setFirstName("Perry").setLastName("White").setEmail("perry@dailyplanet.example")
                .setPhone("+1 (514) 123-4567").setOrganizationId(organization).build());
        String address = addressId();
        events.addressCreated(site, CustomerEvents.address(address, perry, "shipping",
                at("2026-03-01T10:05:00.000Z")).setCompany("Kent Farms").setDepartment("Newsroom").build());
        events.customerCreated(site, CustomerEvents.customer(lois, at("2026-03-01T11:00:00.000Z"))
                .setFirstName("Lois").setLastName("Lane").setEmail("lois@metropolis.example")
                .setDisplayName("lo_is%").build());
        events.customerCreated(otherSite, CustomerEvents.customer(otherPerry, at("2026-03-01T12:00:00.000Z"))
                .setFirstName("Perry").setLastName("White").setEmail("perry@elsewhere.example")
                .setPhone("514-123-4567").build());

        await().atMost(TIMEOUT).until(() -> search(site, "daily planet media").contains(perry)
                && search(site, "newsroom").contains(perry) && search(site, "lois").contains(lois)
                && search(otherSite, "perry").contains(otherPerry));

        assertThat(search(site, "perry")).containsExactly(perry);
        assertThat(search(site, "WHITE")).containsExactly(perry);
        assertThat(search(site, "perry white")).containsExactly(perry);
        assertThat(search(site, "Lois Lane")).containsExactly(lois);
        assertThat(search(site, "@dailyplanet.EXAMPLE")).containsExactly(perry);
        assertThat(search(site, ".example")) // newest first
                .containsExactlyElementsOf(Stream.of(lois, perry).sorted(Comparator.reverseOrder()).toList());
        assertThat(search(site, "514-123")).containsExactly(perry);
        assertThat(search(site, "5141234567")).containsExactly(perry);
        assertThat(search(site, "kent farms")).containsExactly(perry);
        assertThat(search(site, "NEWSROOM")).containsExactly(perry);
        assertThat(search(site, "planet media")).containsExactly(perry);
        assertThat(search(site, "lo_is%")).containsExactly(lois);
        // the wildcards are literal, fields are not run together, and the phone needs 3 digits
        assertThat(search(site, "%")).containsExactly(lois);
        assertThat(search(site, "l_is")).isEmpty();
        assertThat(search(site, "white perry")).isEmpty();
        assertThat(search(site, "14")).isEmpty();
        assertThat(search(site, "nobody")).isEmpty();
        assertThat(search(site, "  ")).isEmpty();
        assertThat(search(otherSite, "perry")).containsExactly(otherPerry);
        assertThat(search(otherSite, "kent farms")).isEmpty();
        assertThat(search(newSite(), "perry")).isEmpty();
    }

    @Test
    void anOrganizationRenamedOrKnownAfterItsCustomersIsSearchedByItsNewName() {
        String site = newSite();
        String customer = customerId();
        String organization = Ids.next("org", Clock.systemUTC());
        // the customer first, its organization after (they are keyed differently: no order between them)
        events.customerCreated(site, CustomerEvents.customer(customer, at("2026-03-01T10:00:00.000Z"))
                .setEmail("clark@example.com").setOrganizationId(organization).build());
        await().atMost(TIMEOUT).until(() -> customerRow(site, customer).isPresent());
        events.organizationCreated(site, organization, "Daily Star", at("2026-03-01T09:00:00.000Z"));
        await().atMost(TIMEOUT).until(() -> search(site, "daily star").contains(customer));

        events.organizationCreated(site, organization, "Daily Planet", at("2026-03-04T09:00:00.000Z"));

        await().atMost(TIMEOUT).until(() -> search(site, "daily planet").contains(customer));
        assertThat(search(site, "daily star")).isEmpty();
    }

    @Test
    void aCustomerOfTheViewIsAnsweredWithoutAskingCustomerService() {
        String site = newSite();
        String id = customerId();
        events.customerCreated(site, CustomerEvents.customer(id, at("2026-03-01T10:00:00.000Z"))
                .setEmail("jimmy@dailyplanet.example").setFirstName("Jimmy").setLastName("Olsen").build());
        await().atMost(TIMEOUT).until(() -> customerRow(site, id).isPresent());

        askForCustomer(admin(site), id).expectStatus().isOk().expectBody()
                .jsonPath("$.id").isEqualTo(id)
                .jsonPath("$.email").isEqualTo("jimmy@dailyplanet.example")
                .jsonPath("$.name").isEqualTo("Jimmy Olsen");

        assertThat(customerService.received("/v1/customers/" + id)).isEmpty();
        // another site does not see it (and customer-service, asked for that site, does not know it either)
        askForCustomer(admin(newSite()), id).expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("customer");
    }

    @Test
    void anAddressOfTheViewIsAnsweredWithItsTypeAndOnlyForItsCustomer() {
        String site = newSite();
        String customer = customerId();
        String address = addressId();
        events.customerCreated(site, CustomerEvents.customer(customer, at("2026-03-01T10:00:00.000Z")).build());
        events.addressCreated(site, CustomerEvents.address(address, customer, "shipping",
                at("2026-03-01T10:01:00.000Z")).build());
        await().atMost(TIMEOUT).until(() -> addressRow(site, address).isPresent());

        askForAddress(admin(site), customer, address).expectStatus().isOk().expectBody()
                .jsonPath("$.id").isEqualTo(address)
                .jsonPath("$.customer_id").isEqualTo(customer)
                .jsonPath("$.type").isEqualTo("shipping");
        askForAddress(admin(site), customerId(), address).expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.errors[0].field").isEqualTo("shipping_address")
                .jsonPath("$.errors[0].message").value(message -> assertThat((String) message)
                        .startsWith("is not an address of customer"));
        assertThat(customerService.received("/v1/addresses/" + address)).isEmpty();
    }

    @Test
    void aSnapshotTheViewCanNeverKeepIsDeadLetteredAndTheCustomersLaterEventsStillApply() {
        String site = newSite();
        String customer = customerId();
        String address = addressId();
        events.customerCreated(site, CustomerEvents.customer(customer, at("2026-03-01T10:00:00.000Z"))
                .setEmail("before@example.com").build());
        String poison = events.addressCreated(site, CustomerEvents.address(address, customer, "office",
                at("2026-03-01T10:01:00.000Z")).build());
        events.customerUpdated(site, CustomerEvents.customer(customer, at("2026-03-01T10:00:00.000Z"))
                .setUpdatedAt(at("2026-03-01T10:02:00.000Z")).setEmail("after@example.com").build());

        await().atMost(TIMEOUT).until(() -> customerRow(site, customer)
                .map(row -> "after@example.com".equals(row.get("email"))).orElse(false));

        assertThat(addressRow(site, address)).isEmpty();
        try (TopicProbe<byte[]> deadLetters = TopicProbe.raw(DeadLetters.topicOf(CustomerEvents.TOPIC))) {
            ConsumerRecord<String, byte[]> dead = deadLetters.awaitOne(record -> poison.equals(
                    header(record, EventHeaders.EVENT_ID)), TIMEOUT);
            assertThat(header(dead, DeadLetters.GROUP)).isEqualTo("subscription-customer-view-it");
            assertThat(header(dead, DeadLetters.REASON)).contains("not a snapshot the customer view can keep");
        }
    }

    @Test
    void anEndCustomerNamingAnotherCustomerOfTheViewIsRefusedBeforeAnyLookup() {
        String site = newSite();
        String self = customerId();
        String other = customerId();
        String othersAddress = addressId();
        events.customerCreated(site, CustomerEvents.customer(other, at("2026-03-01T10:00:00.000Z")).build());
        events.addressCreated(site, CustomerEvents.address(othersAddress, other, "shipping",
                at("2026-03-01T10:01:00.000Z")).build());
        await().atMost(TIMEOUT).until(() -> addressRow(site, othersAddress).isPresent());

        askForCustomer(io.masthead.test.spring.TestTokens.customer(site, self), other).expectStatus().isForbidden();
        askForAddress(io.masthead.test.spring.TestTokens.customer(site, self), other, othersAddress)
                .expectStatus().isForbidden();
        askForCustomer(admin(site), other).expectStatus().isOk();
        assertThat(customerService.received("/v1/customers/" + other)).isEmpty();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
