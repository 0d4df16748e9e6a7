package io.masthead.customer.customer.application;

import io.masthead.customer.customer.infrastructure.CustomerEvents;
import io.masthead.customer.customer.infrastructure.CustomerRepository;
import io.masthead.customer.customer.model.Customer;
import io.masthead.customer.customer.model.CustomerProfile;
import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.customer.organization.infrastructure.OrganizationRepository;
import io.masthead.customer.shared.infrastructure.Constraints;
import io.masthead.platform.id.Ids;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.validation.Violations;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.platform.time.SiteTime;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Customer use cases. Every change and its event commit together (outbox). */
@Service
public class CustomerService {

    private final CustomerRepository customers;
    private final OrganizationRepository organizations;
    private final Outbox outbox;
    private final EventHeaderFactory headers;
    private final TransactionalOperator transaction;
    private final Clock clock;
    private final SiteTime siteTime;

    public CustomerService(CustomerRepository customers, OrganizationRepository organizations, Outbox outbox,
            EventHeaderFactory headers, TransactionalOperator transaction, Clock clock, SiteTime siteTime) {
        this.customers = customers;
        this.organizations = organizations;
        this.outbox = outbox;
        this.headers = headers;
        this.transaction = transaction;
        this.clock = clock;
        this.siteTime = siteTime;
    }

    /**
     * What an end customer may change of its own profile: its name and contact details, not what the publisher
     * keeps (old_provider_id, organization, metadata) nor its email, which is how it logs in.
     */
    public static final java.util.Set<String> SELF_SERVICE_FIELDS = java.util.Set.of("first_name", "last_name",
            "phone", "title", "salutation", "display_name");

    public Mono<Customer> create(Caller caller, CustomerProfile profile) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            profile.validate().throwIfAny();
            return siteTime.now(caller);
        }).flatMap(now -> {
            Customer customer = Customer.create(Ids.next(Customer.ID_PREFIX, clock), caller.siteId(), profile, now);
            Mono<Customer> work = checkOrganization(caller, profile)
                    .then(customers.insert(customer))
                    .then(headers.header(CustomerEvents.CREATED, caller, now))
                    .flatMap(header -> outbox.append(CustomerEvents.created(header, customer)))
                    .thenReturn(customer);
            return transaction.transactional(work).onErrorMap(Constraints::translate);
        });
    }

    /**
     * Changes a customer's profile. An end customer may change only its own, and only {@link #SELF_SERVICE_FIELDS}
     * (the web layer refuses the others); another customer's id is 404.
     */
    public Mono<Customer> update(Caller caller, String id, UnaryOperator<CustomerProfile> change) {
        if (!caller.mayActFor(id)) {
            return Mono.error(ProblemException.notFound("customer", id));
        }
        Mono<Customer> work = customers.findForUpdate(caller.siteId(), id)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("customer", id)))
                .flatMap(before -> siteTime.now(caller).flatMap(now -> {
                    CustomerProfile profile = change.apply(before.profile());
                    profile.validate().throwIfAny();
                    Customer after = before.withProfile(profile, now);
                    List<String> changed = after.changedFieldsSince(before);
                    if (changed.isEmpty()) {
                        return Mono.just(before);
                    }
                    Mono<Void> orgCheck = changed.contains("organization_id") ? checkOrganization(caller, profile)
                            : Mono.empty();
                    return orgCheck.then(customers.update(after))
                            .then(headers.header(CustomerEvents.UPDATED, caller, after.updatedAt()))
                            .flatMap(header -> outbox.append(CustomerEvents.updated(header, after, changed)))
                            .thenReturn(after);
                }));
        return transaction.transactional(work).onErrorMap(Constraints::translate);
    }

    /** A customer of the site; an end customer gets only itself (another customer's id is 404, as if unknown). */
    public Mono<Customer> get(Caller caller, String id) {
        if (!caller.mayActFor(id)) {
            return Mono.error(ProblemException.notFound("customer", id));
        }
        return customers.find(caller.siteId(), id)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("customer", id)));
    }

    public Mono<ListResponse<Customer>> list(Caller caller, String email, PageRequest page) {
        caller.requireAdmin();
        return customers.list(caller.siteId(), email, page).collectList()
                .map(rows -> ListResponse.of(rows, page, Customer::id));
    }

    public Mono<ListResponse<Customer>> search(Caller caller, String query, PageRequest page) {
        caller.requireAdmin();
        Violations violations = new Violations();
        violations.require("query", query);
        violations.checkIfPresent("query", query, q -> q.strip().length() >= 2 && q.length() <= 200,
                "must be 2 to 200 characters");
        violations.throwIfAny();
        return customers.search(caller.siteId(), query.strip(), page).collectList()
                .map(rows -> ListResponse.of(rows, page, Customer::id));
    }

    public Flux<Customer> export(Caller caller) {
        caller.requireAdmin();
        return customers.stream(caller.siteId());
    }

    private Mono<Void> checkOrganization(Caller caller, CustomerProfile profile) {
        if (profile.organizationId() == null) {
            return Mono.empty();
        }
        return organizations.exists(caller.siteId(), profile.organizationId())
                .flatMap(found -> found ? Mono.<Void>empty()
                        : Mono.error(ValidationException.of("organization_id", "no such organization")));
    }
}
