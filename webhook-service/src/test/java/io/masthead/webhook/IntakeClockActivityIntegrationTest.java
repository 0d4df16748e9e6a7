package io.masthead.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.masthead.platform.time.SiteClocks;
import io.masthead.webhook.support.DomainEvents;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The webhook intake takes part in test clocks: taking in an event of a test-mode site counts as that site's activity,
 * in the intake's transaction, so a clock step is not declared quiet while the intake still has the site's records to
 * take in (docs/test-clocks.md). A live event counts nothing.
 */
class IntakeClockActivityIntegrationTest extends WebhookIntegrationTestSupport {

    @Autowired
    SiteClocks siteClocks;

    @Test
    void takingInATestModeEventCountsAsTheSitesActivityAndADuplicateDoesNot() {
        String site = newSite();
        Instant at = clock.instant();
        siteClocks.freeze(site, at).block(Duration.ofSeconds(5)); // the site has a test clock
        assertThat(siteClocks.activity(site).block(Duration.ofSeconds(5))).isZero();

        var customer = DomainEvents.customer("cus_clocked", "clocked@example.com", at);
        var header = DomainEvents.header("customer.created", site, at);
        var event = io.masthead.events.customer.CustomerCreated.newBuilder().setHeader(header).setCustomer(customer)
                .build();
        events.send(customer.getId(), header, event);
        // the event row and the activity commit together: once the event is listed, the activity is there
        await().atMost(Duration.ofSeconds(20)).until(() -> list(site, "/v1/events").size() == 1);
        assertThat(siteClocks.activity(site).block(Duration.ofSeconds(5))).isEqualTo(1);

        // a duplicate (a replay) is not taken in again and counts nothing; a second event counts once more
        events.send(customer.getId(), header, event);
        events.updated(site, customer, java.util.List.of("email"), at);
        await().atMost(Duration.ofSeconds(20)).until(() -> list(site, "/v1/events").size() == 2);
        assertThat(siteClocks.activity(site).block(Duration.ofSeconds(5))).isEqualTo(2);
    }

    @Test
    void aLiveModeEventCountsNothing() {
        String site = newSite();
        Instant at = clock.instant();
        siteClocks.freeze(site, at).block(Duration.ofSeconds(5));
        var customer = DomainEvents.customer("cus_live", "live@example.com", at);
        var header = DomainEvents.header("customer.created", site, at);
        header.setLivemode(true);
        events.send(customer.getId(), header, io.masthead.events.customer.CustomerCreated.newBuilder()
                .setHeader(header).setCustomer(customer).build());
        await().atMost(Duration.ofSeconds(20)).until(() -> list(site, "/v1/events").size() == 1);
        assertThat(siteClocks.activity(site).block(Duration.ofSeconds(5))).isZero();
    }
}
