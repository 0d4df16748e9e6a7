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
     * The entitlements of a customer of the caller's site: the site's admin, or the customer itself (another
     * customer's are a 404, before any lookup, as another customer's subscriptions are); 404 for a customer the site
     * does not have.
     */
    public Mono<EntitlementSet> ofCustomer(Caller caller, String customerId) {
        return Mono.defer(() -> !caller.isAdmin() && !customerId.equals(caller.customerId())
                ? Mono.error(ProblemException.notFound("customer", customerId))
                : customers.requireCustomer(caller, customerId, "customer")
                .onErrorMap(ValidationException.class, e -> ProblemException.notFound("customer", customerId))
                .then(current(caller.siteId(), customerId)));
    }

    /** The set of {@code customerId} as the subscriptions and plans stand now (the API's answer). */
    Mono<EntitlementSet> current(String siteId, String customerId) {
        return repository.grants(siteId, customerId).collectList()
                .flatMap(grants -> of(siteId, customerId, grants, false));
    }

    /**
     * The set of {@code customerId} as the sync knows the customer's subscriptions (the events applied so far), with
     * the plans' entitlements now; inside the transaction that stores it, the free tier read {@code FOR SHARE} (a
     * change of the free tier waits for that transaction, so its resync finds what it stored).
     */
    Mono<EntitlementSet> held(String siteId, String customerId) {
        return repository.heldGrants(siteId, customerId).collectList()
                .flatMap(grants -> of(siteId, customerId, grants, true));
    }

    private Mono<EntitlementSet> of(String siteId, String customerId, List<Grant> grants, boolean lock) {
        EntitlementSet granted = EntitlementSet.of(customerId, grants, List.of());
        if (!granted.entitlements().isEmpty()) {
            return Mono.just(granted);
        }
        return freeTier(siteId, lock).map(freeTier -> EntitlementSet.of(customerId, List.<Grant>of(), freeTier));
    }

    /** The site's free tier; read {@code FOR SHARE} when {@code lock}. */
    Mono<List<String>> freeTier(String siteId, boolean lock) {
        return (lock ? repository.lockSettings(siteId, false) : repository.settings(siteId))
                .map(settings -> settings.freeTier());
    }
}
