package io.masthead.subscription.plan.application;

import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.platform.id.Ids;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.validation.Violation;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.plan.infrastructure.PlanEvents;
import io.masthead.subscription.plan.infrastructure.PlanRepository;
import io.masthead.subscription.plan.model.Plan;
import io.masthead.subscription.plan.model.PlanTerms;
import io.masthead.subscription.product.infrastructure.ProductRepository;
import io.masthead.subscription.product.model.Product;
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
 * Plan use cases. Every change and its event commit together (outbox). A plan's events are keyed by its product,
 * so every writer locks the product row first, then the plan (the order of every catalog writer).
 */
@Service
public class PlanService {

    static final String CREATE_A_NEW_PLAN = "cannot change once a subscription uses the plan: create a new plan "
            + "instead";

    private final PlanRepository plans;
    private final ProductRepository products;
    private final Outbox outbox;
    private final EventHeaderFactory headers;
    private final TransactionalOperator transaction;
    private final Clock clock;
    private final SiteTime siteTime;

    public PlanService(PlanRepository plans, ProductRepository products, Outbox outbox, EventHeaderFactory headers,
            TransactionalOperator transaction, Clock clock, SiteTime siteTime) {
        this.plans = plans;
        this.products = products;
        this.outbox = outbox;
        this.headers = headers;
        this.transaction = transaction;
        this.clock = clock;
        this.siteTime = siteTime;
    }

    public Mono<Plan> create(Caller caller, String productId, PlanTerms requested) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            PlanTerms terms = requested.withDefaults();
            var violations = terms.validate();
            if (productId == null || productId.isBlank()) {
                violations.add("product", "is required");
            } else if (!Ids.looksLike(Product.ID_PREFIX, productId)) {
                violations.add("product", "no such product");
            }
            violations.throwIfAny();
            return siteTime.now(caller).flatMap(now -> create(caller, productId, terms, now));
        });
    }

    private Mono<Plan> create(Caller caller, String productId, PlanTerms terms, Instant now) {
        {
            Plan plan = Plan.create(Ids.next(Plan.ID_PREFIX, clock), caller.siteId(), productId, terms, now);
            Mono<Plan> work = products.findForUpdate(caller.siteId(), productId)
                    .switchIfEmpty(Mono.error(() -> ValidationException.of("product", "no such product")))
                    .flatMap(product -> {
                        if (!product.active() && terms.isActive()) {
                            return Mono.error(ValidationException.of("product", "is archived: its plans must be "
                                    + "inactive (active: false), or activate the product first"));
                        }
                        return plans.insert(plan)
                                .then(headers.header(PlanEvents.CREATED, caller, now))
                                .flatMap(header -> outbox.append(PlanEvents.created(header, plan)))
                                .thenReturn(plan);
                    });
            return transaction.transactional(work).onErrorMap(CatalogConstraints::translate);
        }
    }

    public Mono<Plan> update(Caller caller, String id, UnaryOperator<PlanTerms> change) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            Mono<Plan> work = plans.productIdOf(caller.siteId(), id)
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("plan", id)))
                    .flatMap(productId -> products.findForUpdate(caller.siteId(), productId))
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("plan", id))) // deleted with its product
                    .flatMap(product -> plans.findForUpdate(caller.siteId(), id)
                            .switchIfEmpty(Mono.error(() -> ProblemException.notFound("plan", id)))
                            .zipWith(siteTime.now(caller))
                            .flatMap(found -> {
                                Plan before = found.getT1();
                                PlanTerms next = change.apply(before.terms());
                                next.validate().throwIfAny();
                                return apply(caller, before, before.change(next, product.active(), found.getT2()));
                            }));
            return transaction.transactional(work).onErrorMap(CatalogConstraints::translate);
        });
    }

    private Mono<Plan> apply(Caller caller, Plan before, Plan.Change change) {
        return switch (change) {
            case Plan.Change.Unchanged unchanged -> Mono.just(unchanged.plan());
            case Plan.Change.FixedOnceUsed fixed -> Mono.error(new ProblemException(HttpStatus.CONFLICT, "conflict",
                    "Conflict", "The plan is used by subscriptions: " + String.join(", ", fixed.fields()) + " "
                            + CREATE_A_NEW_PLAN,
                    fixed.fields().stream().map(f -> new Violation(f, CREATE_A_NEW_PLAN)).toList()));
            case Plan.Change.ProductArchived archived -> Mono.error(ProblemException.conflict("active",
                    "cannot be true while the product " + archived.productId() + " is archived: activate the "
                            + "product first"));
            case Plan.Change.Changed changed -> plans.update(changed.plan())
                    .then(headers.header(PlanEvents.UPDATED, caller, changed.plan().updatedAt()))
                    .flatMap(header -> outbox.append(PlanEvents.updated(header, changed.plan(), changed.fields())))
                    .thenReturn(changed.plan());
        };
    }

    /** Deletes a plan no subscription ever used; emits plan.deleted. */
    public Mono<Void> delete(Caller caller, String id) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            Mono<Void> work = plans.productIdOf(caller.siteId(), id)
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("plan", id)))
                    .flatMap(productId -> products.findForUpdate(caller.siteId(), productId))
                    .then(plans.findForDelete(caller.siteId(), id))
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("plan", id)))
                    .flatMap(plan -> {
                        var refusal = plan.deletionRefusal();
                        if (refusal.isPresent()) {
                            return Mono.error(new ProblemException(HttpStatus.CONFLICT, "conflict", "Conflict",
                                    "The plan " + refusal.get(), List.of(new Violation("plan", refusal.get()))));
                        }
                        return plans.delete(caller.siteId(), id)
                                .then(siteTime.now(caller))
                                .flatMap(now -> headers.header(PlanEvents.DELETED, caller, now))
                                .flatMap(header -> outbox.append(PlanEvents.deleted(header, plan)));
                    });
            return transaction.transactional(work);
        });
    }

    public Mono<Plan> get(Caller caller, String id) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return plans.find(caller.siteId(), id)
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("plan", id)));
        });
    }

    public Mono<ListResponse<Plan>> list(Caller caller, String productId, PageRequest page) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return plans.list(caller.siteId(), productId, page).collectList()
                    .map(rows -> ListResponse.of(rows, page, Plan::id));
        });
    }

    public Flux<Plan> export(Caller caller) {
        caller.requireAdmin();
        return plans.stream(caller.siteId());
    }
}
