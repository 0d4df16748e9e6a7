package io.masthead.customer.address.application;

import io.masthead.customer.address.infrastructure.AddressEvents;
import io.masthead.customer.address.infrastructure.AddressRepository;
import io.masthead.customer.address.model.Address;
import io.masthead.customer.address.model.AddressDetails;
import io.masthead.customer.customer.infrastructure.CustomerRepository;
import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.customer.shared.infrastructure.Constraints;
import io.masthead.platform.id.Ids;
import io.masthead.platform.outbox.AggregateLock;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.security.Caller;
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

/** Address use cases; each change commits with its event. */
@Service
public class AddressService {

    private final AddressRepository addresses;
    private final CustomerRepository customers;
    private final Outbox outbox;
    private final AggregateLock aggregates;
    private final EventHeaderFactory headers;
    private final TransactionalOperator transaction;
    private final Clock clock;
    private final SiteTime siteTime;

    public AddressService(AddressRepository addresses, CustomerRepository customers, Outbox outbox,
            AggregateLock aggregates, EventHeaderFactory headers, TransactionalOperator transaction, Clock clock,
            SiteTime siteTime) {
        this.addresses = addresses;
        this.customers = customers;
        this.outbox = outbox;
        this.aggregates = aggregates;
        this.headers = headers;
        this.transaction = transaction;
        this.clock = clock;
        this.siteTime = siteTime;
    }

    public Mono<Address> create(Caller caller, String customerId, AddressDetails details) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            details.validate().throwIfAny();
            return siteTime.now(caller);
        }).flatMap(now -> {
            Address address = Address.create(Ids.next(Address.ID_PREFIX, clock), caller.siteId(), customerId,
                    details, now);
            // the event is keyed by the customer: lock it first, so its events commit in outbox order
            Mono<Address> work = lockCustomer(caller, customerId)
                    .then(addresses.insert(address))
                    .then(headers.header(AddressEvents.CREATED, caller, now))
                    .flatMap(header -> outbox.append(AddressEvents.created(header, address)))
                    .thenReturn(address);
            return transaction.transactional(work).onErrorMap(Constraints::translate);
        });
    }

    public Mono<Address> update(Caller caller, String id, UnaryOperator<AddressDetails> change) {
        caller.requireAdmin();
        // the event is keyed by the customer: lock the customer first (then the address, always in that order),
        // and read the address again under the locks
        Mono<Address> locked = addresses.find(caller.siteId(), id)
                .flatMap(found -> aggregates.lock(CustomerRepository.AGGREGATE, caller.siteId(), found.customerId()))
                .then(addresses.findForUpdate(caller.siteId(), id));
        return transaction.transactional(locked
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("address", id)))
                .flatMap(before -> siteTime.now(caller).flatMap(now -> {
                    AddressDetails details = change.apply(before.details());
                    details.validate().throwIfAny();
                    Address after = before.withDetails(details, now);
                    List<String> changed = after.changedFieldsSince(before);
                    if (changed.isEmpty()) {
                        return Mono.just(before);
                    }
                    return addresses.update(after)
                            .then(headers.header(AddressEvents.UPDATED, caller, after.updatedAt()))
                            .flatMap(header -> outbox.append(AddressEvents.updated(header, after, changed)))
                            .thenReturn(after);
                })));
    }

    public Mono<Address> get(Caller caller, String id) {
        // an end customer sees its own addresses only: another's is 404, as if unknown
        return addresses.find(caller.siteId(), id)
                .filter(address -> caller.mayActFor(address.customerId()))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("address", id)));
    }

    public Mono<ListResponse<Address>> listOfCustomer(Caller caller, String customerId, PageRequest page) {
        if (!caller.mayActFor(customerId)) {
            return Mono.error(ProblemException.notFound("customer", customerId));
        }
        return requireCustomer(caller, customerId)
                .thenMany(addresses.listOfCustomer(caller.siteId(), customerId, page)).collectList()
                .map(rows -> ListResponse.of(rows, page, Address::id));
    }

    public Flux<Address> export(Caller caller) {
        caller.requireAdmin();
        return addresses.stream(caller.siteId());
    }

    private Mono<Void> lockCustomer(Caller caller, String customerId) {
        return aggregates.lockExisting(CustomerRepository.AGGREGATE, caller.siteId(), customerId,
                () -> ProblemException.notFound("customer", customerId));
    }

    private Mono<Void> requireCustomer(Caller caller, String customerId) {
        return customers.exists(caller.siteId(), customerId)
                .flatMap(found -> found ? Mono.<Void>empty()
                        : Mono.error(ProblemException.notFound("customer", customerId)));
    }
}
