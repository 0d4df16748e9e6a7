package io.masthead.subscription.product.application;

import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.platform.id.Ids;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.platform.validation.Violation;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.plan.infrastructure.PlanEvents;
import io.masthead.subscription.plan.infrastructure.PlanRepository;
import io.masthead.subscription.product.infrastructure.ProductEvents;
import io.masthead.subscription.product.infrastructure.ProductRepository;
import io.masthead.subscription.product.model.Product;
import io.masthead.subscription.product.model.ProductProfile;
import io.masthead.subscription.shared.infrastructure.CatalogConstraints;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Product use cases. Every change and its event commit together (outbox); every writer locks the product row
 * first, so the product's events and its plans' (one key) are published in commit order.
 */
@Service
public class ProductService {

    private final ProductRepository products;
    private final PlanRepository plans;
    private final Outbox outbox;
    private final EventHeaderFactory headers;
    private final TransactionalOperator transaction;
    private final Clock clock;
    private final SiteTime siteTime;

    public ProductService(ProductRepository products, PlanRepository plans, Outbox outbox,
            EventHeaderFactory headers, TransactionalOperator transaction, Clock clock, SiteTime siteTime) {
        this.products = products;
        this.plans = plans;
        this.outbox = outbox;
        this.headers = headers;
        this.transaction = transaction;
        this.clock = clock;
        this.siteTime = siteTime;
    }

    public Mono<Product> create(Caller caller, ProductProfile requested) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            ProductProfile profile = requested.withDefaults();
            profile.validate().throwIfAny();
            return siteTime.now(caller).flatMap(now -> create(caller, profile, now));
        });
    }

    private Mono<Product> create(Caller caller, ProductProfile profile, Instant now) {
        {
            Product product = Product.create(Ids.next(Product.ID_PREFIX, clock), caller.siteId(), profile, now);
            Mono<Product> work = products.insert(product)
                    .then(headers.header(ProductEvents.CREATED, caller, now))
                    .flatMap(header -> outbox.append(ProductEvents.created(header, product)))
                    .thenReturn(product);
            return transaction.transactional(work).onErrorMap(CatalogConstraints::translate);
        }
    }

    public Mono<Product> update(Caller caller, String id, UnaryOperator<ProductProfile> change) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return changeLocked(caller, id, before -> {
                ProductProfile profile = change.apply(before);
                profile.validate().throwIfAny();
                return profile;
            });
        });
    }

    /** Archives the product (refused while it has active plans); an archived product is answered as it is. */
    public Mono<Product> archive(Caller caller, String id) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return changeLocked(caller, id, before -> before.toBuilder().flag("active", false).build());
        });
    }

    private Mono<Product> changeLocked(Caller caller, String id, UnaryOperator<ProductProfile> change) {
        Mono<Product> work = products.findForUpdate(caller.siteId(), id)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("product", id)))
                .flatMap(before -> {
                    ProductProfile next = change.apply(before.profile());
                    Mono<Long> activePlans = before.active() && !next.isActive()
                            ? plans.countActive(caller.siteId(), id) : Mono.just(0L);
                    return Mono.zip(activePlans, siteTime.now(caller)).flatMap(counted -> switch (before.change(next,
                            counted.getT1(), counted.getT2())) {
                        case Product.Change.Unchanged unchanged -> Mono.just(unchanged.product());
                        case Product.Change.HasActivePlans refused -> Mono.error(hasActivePlans(refused.activePlans(),
                                "archived"));
                        case Product.Change.Changed changed -> products.update(changed.product())
                                .then(headers.header(ProductEvents.UPDATED, caller, changed.product().updatedAt()))
                                .flatMap(header -> outbox.append(ProductEvents.updated(header, changed.product(),
                                        changed.fields())))
                                .thenReturn(changed.product());
                    });
                });
        return transaction.transactional(work).onErrorMap(CatalogConstraints::translate);
    }

    /**
     * Deletes a product no subscription ever used, with its plans (all inactive: a product with active plans is
     * refused). Emits plan.deleted for each plan, then product.deleted.
     */
    public Mono<Void> delete(Caller caller, String id) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            Mono<Void> work = products.findForDelete(caller.siteId(), id)
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("product", id)))
                    .flatMap(product -> plans.lockAllOfProduct(caller.siteId(), id).collectList()
                            .flatMap(productPlans -> {
                                long active = productPlans.stream().filter(p -> p.active()).count();
                                var refusal = product.deletionRefusal(active);
                                if (refusal.isPresent()) {
                                    return Mono.error(new ProblemException(HttpStatus.CONFLICT, "conflict", "Conflict",
                                            "The product " + refusal.get(), List.of(new Violation("product",
                                                    refusal.get()))));
                                }
                                return siteTime.now(caller).flatMapMany(now -> Flux.fromIterable(productPlans)
                                        .concatMap(plan -> plans.delete(caller.siteId(), plan.id())
                                                .then(headers.header(PlanEvents.DELETED, caller, now))
                                                .flatMap(header -> outbox.append(PlanEvents.deleted(header, plan))))
                                        .then(products.delete(caller.siteId(), id))
                                        .then(headers.header(ProductEvents.DELETED, caller, now))
                                        .flatMap(header -> outbox.append(ProductEvents.deleted(header, product))))
                                        .then();
                            }));
            return transaction.transactional(work);
        });
    }

    public Mono<Product> get(Caller caller, String id) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return products.find(caller.siteId(), id)
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("product", id)));
        });
    }

    public Mono<ListResponse<Product>> list(Caller caller, Boolean active, PageRequest page) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return products.list(caller.siteId(), active, page).collectList()
                    .map(rows -> ListResponse.of(rows, page, Product::id));
        });
    }

    public Flux<Product> export(Caller caller) {
        caller.requireAdmin();
        return products.stream(caller.siteId());
    }

    /** The 409 of archiving (or deactivating) a product that still has active plans: it says how many. */
    public static ProblemException hasActivePlans(long activePlans, String verb) {
        String message = Product.HasActivePlansMessage.of(activePlans, verb);
        return new ProblemException(HttpStatus.CONFLICT, "conflict", "Conflict", "The product " + message,
                List.of(new Violation("active", message)));
    }
}
