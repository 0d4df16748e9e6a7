package io.masthead.subscription.entitlement.application;

import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.customer.application.CustomerDirectory;
import io.masthead.subscription.entitlement.infrastructure.EntitlementRepository;
import io.masthead.subscription.entitlement.model.EntitlementSet;
import io.masthead.subscription.entitlement.model.Grant;
import java.util.List;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A customer's entitlements as the subscriptions and plans stand now: the union of what the plans of the customer's
 * granting subscriptions list, else the site's free tier ({@link EntitlementSet#of}). The API reads them here, so an
 * answer never lags behind a change whose {@code entitlements.updated} is still on its way.
 */
@Service
public class Entitlements {

    private final EntitlementRepository repository;
    private final CustomerDirectory customers;

    public Entitlements(EntitlementRepository repository, CustomerDirectory customers) {
        this.repository = repository;
        this.customers = customers;
    }

    /**
     * The entitlements of a customer of the caller's site: the site's admin, or the customer itself (403 for another
     * customer, before any lookup); 404 for a customer the site does not have.
     */
    public Mono<EntitlementSet> ofCustomer(Caller caller, String customerId) {
        return Mono.defer(() -> customers.requireCustomer(caller, customerId, "customer")
                .onErrorMap(ValidationException.class, e -> ProblemException.notFound("customer", customerId))
                .then(current(caller.siteId(), customerId, false)));
    }

    /**
     * The set of {@code customerId} now.
     *
     * @param lock inside a transaction that stores the set: read the plans and the free tier {@code FOR SHARE}, so a
     *             change of either waits for it (and the resync that change schedules sees what it stored)
     */
    Mono<EntitlementSet> current(String siteId, String customerId, boolean lock) {
        return repository.grants(siteId, customerId, lock).collectList()
                .flatMap(grants -> {
                    EntitlementSet granted = EntitlementSet.of(customerId, grants, List.of());
                    if (!granted.entitlements().isEmpty()) {
                        return Mono.just(granted);
                    }
                    return freeTier(siteId, lock).map(freeTier -> EntitlementSet.of(customerId, List.<Grant>of(),
                            freeTier));
                });
    }

    /** The site's free tier; locked as {@link #current} says. */
    Mono<List<String>> freeTier(String siteId, boolean lock) {
        return (lock ? repository.lockSettings(siteId, false) : repository.settings(siteId))
                .map(settings -> settings.freeTier());
    }
}
