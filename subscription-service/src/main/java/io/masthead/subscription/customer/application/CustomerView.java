package io.masthead.subscription.customer.application;

import io.masthead.events.EventHeader;
import io.masthead.platform.inbox.Inbox;
import io.masthead.subscription.customer.infrastructure.CustomerViewRepository;
import io.masthead.subscription.customer.model.KnownAddress;
import io.masthead.subscription.customer.model.KnownCustomer;
import io.masthead.subscription.customer.model.KnownOrganization;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Keeps the customer view: applies the snapshots of {@code customers.v1} through the inbox (an event delivered twice
 * is applied once: its id and its effects commit together), keeping the newest snapshot of each row.
 */
@Service
public class CustomerView {

    /** The inbox consumer name of the customer view. */
    public static final String CONSUMER = "subscription-service.customer-view";

    private final Inbox inbox;
    private final CustomerViewRepository view;

    public CustomerView(Inbox inbox, CustomerViewRepository view) {
        this.inbox = inbox;
        this.view = view;
    }

    /** A change of {@code customers.v1} this view keeps: the snapshot it carries. */
    public sealed interface Change {
        record OfCustomer(KnownCustomer customer) implements Change {
        }

        record OfAddress(KnownAddress address) implements Change {
        }

        record OfOrganization(KnownOrganization organization) implements Change {
        }
    }

    /** @return true when the event was applied now, false when this view had it already (a duplicate) */
    public Mono<Boolean> apply(UUID eventId, Change change) {
        return inbox.process(CONSUMER, eventId, store(change));
    }

    /**
     * The same, for an event of {@code header}'s site: the inbox also counts it as activity of a test site with a
     * clock, which the test clock's quiet check reads ({@code docs/test-clocks.md}).
     */
    public Mono<Boolean> apply(UUID eventId, EventHeader header, Change change) {
        return inbox.process(CONSUMER, eventId, header, store(change));
    }

    private Mono<Boolean> store(Change change) {
        return switch (change) {
            case Change.OfCustomer c -> view.upsertCustomer(c.customer());
            case Change.OfAddress a -> view.upsertAddress(a.address());
            case Change.OfOrganization o -> view.upsertOrganization(o.organization());
        };
    }
}
