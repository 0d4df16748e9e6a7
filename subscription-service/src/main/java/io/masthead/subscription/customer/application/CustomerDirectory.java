package io.masthead.subscription.customer.application;

import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.ValidationException;
import io.masthead.subscription.customer.infrastructure.CustomerServiceClient;
import io.masthead.subscription.customer.infrastructure.CustomerServiceProperties;
import io.masthead.subscription.customer.infrastructure.CustomerViewRepository;
import io.masthead.subscription.customer.model.KnownAddress;
import io.masthead.subscription.customer.model.KnownCustomer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The customers and addresses subscriptions refer to, for the other parts of this service: answered from the
 * customer view (fed by {@code customers.v1}); a customer or address the view does not have yet (its event is still
 * on the way: "a subscription created right after its customer") is asked of customer-service with the caller's
 * token and kept in the view. What customer-service does not know is never remembered: it is asked again next time.
 *
 * <p>Call it before the transaction that writes (it may wait for customer-service). Its failures are problems: an
 * unknown customer or address is a {@link ValidationException} on the field given; customer-service unreachable
 * while it is needed is a {@link CustomerServiceUnavailableException} (503 with {@code Retry-After}).
 */
@Service
public class CustomerDirectory {

    private static final Logger log = LoggerFactory.getLogger(CustomerDirectory.class);

    private final CustomerViewRepository view;
    private final CustomerServiceClient customerService;
    private final Duration retryAfter;

    public CustomerDirectory(CustomerViewRepository view, CustomerServiceClient customerService,
            CustomerServiceProperties properties) {
        this.view = view;
        this.customerService = customerService;
        this.retryAfter = properties.retryAfter();
    }

    /**
     * The customer {@code customerId} of the caller's site.
     *
     * @param field the request field that names it (the problem names it when the customer is unknown)
     */
    public Mono<KnownCustomer> requireCustomer(Caller caller, String customerId, String field) {
        return Mono.defer(() -> {
            if (customerId == null || customerId.isBlank()) {
                return Mono.error(ValidationException.of(field, "is required"));
            }
            if (!Ids.looksLike(KnownCustomer.ID_PREFIX, customerId)) {
                return Mono.error(unknownCustomer(field, customerId));
            }
            // before any lookup: an end customer may name itself only (403, as customer-service does); decided on
            // the caller and the id alone, so the answer says nothing about the other customer
            caller.requireAdminOr(customerId);
            return view.findCustomer(caller.siteId(), customerId)
                    .switchIfEmpty(Mono.defer(() -> customerService.customer(caller.siteId(), customerId)
                            .onErrorMap(CustomerServiceClient.Unavailable.class,
                                    e -> unavailable(field, "customer", customerId, e))
                            .flatMap(found -> view.insertCustomerIfAbsent(found)
                                    .then(view.findCustomer(caller.siteId(), customerId)))))
                    .switchIfEmpty(Mono.error(() -> unknownCustomer(field, customerId)));
        });
    }

    /**
     * The address {@code addressId} of the customer {@code customerId} (of the caller's site); its {@link
     * KnownAddress#type()} says whether it is a billing or a shipping address. An address of another customer is
     * refused like an unknown one.
     *
     * @param field the request field that names the address
     */
    public Mono<KnownAddress> requireAddress(Caller caller, String customerId, String addressId, String field) {
        return Mono.defer(() -> {
            if (addressId == null || addressId.isBlank()) {
                return Mono.error(ValidationException.of(field, "is required"));
            }
            if (!Ids.looksLike(KnownAddress.ID_PREFIX, addressId)) {
                return Mono.error(unknownAddress(field, addressId));
            }
            caller.requireAdminOr(customerId);
            return view.findAddress(caller.siteId(), addressId)
                    .switchIfEmpty(Mono.defer(() -> customerService.address(caller.siteId(), addressId)
                            .onErrorMap(CustomerServiceClient.Unavailable.class,
                                    e -> unavailable(field, "address", addressId, e))
                            .flatMap(found -> view.insertAddressIfAbsent(found)
                                    .then(view.findAddress(caller.siteId(), addressId)))))
                    .switchIfEmpty(Mono.error(() -> unknownAddress(field, addressId)))
                    .flatMap(address -> address.belongsTo(customerId) ? Mono.just(address)
                            : Mono.error(ValidationException.of(field, "is not an address of customer '"
                                    + customerId + "'")));
        });
    }

    /**
     * The ids of the site's customers whose name, email, display name, phone number (by its digits), organization
     * name (company), or an address's company or department contains {@code query}, case-insensitive; newest
     * customers first, at most {@code limit}. A blank query matches nothing. Answered from the customer view alone.
     */
    public Flux<String> searchCustomerIds(String siteId, String query, int limit) {
        if (query == null || query.isBlank() || limit <= 0) {
            return Flux.empty();
        }
        return view.searchIds(siteId, query.strip(), limit);
    }

    private static ValidationException unknownCustomer(String field, String id) {
        return ValidationException.of(field, "is not a known customer ('" + id + "')");
    }

    private static ValidationException unknownAddress(String field, String id) {
        return ValidationException.of(field, "is not a known address ('" + id + "')");
    }

    private CustomerServiceUnavailableException unavailable(String field, String resource, String id, Throwable e) {
        log.warn("Cannot check {} {}: {}", resource, id, e.getMessage());
        return new CustomerServiceUnavailableException(field, resource, id, retryAfter, e);
    }
}
