package io.masthead.subscription.plan.application;

import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.platform.validation.ValidationException;
import io.masthead.subscription.plan.infrastructure.PlanRepository;
import io.masthead.subscription.plan.model.Plan;
import io.masthead.subscription.plan.model.PlanInfo;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The catalog as subscriptions see it: which plan a subscription may use, and the mark that it does.
 *
 * <p>Use both inside the subscription's transaction: {@link #requireUsable} to read the plan, then
 * {@link #markUsed}. After {@code markUsed} commits, the plan's amount, currency, interval and interval_count are
 * fixed, and neither the plan nor its product can be deleted.
 */
@Service
public class PlanCatalog {

    /** The request field a subscription names its plan with. */
    public static final String FIELD = "plan";

    private final PlanRepository plans;
    private final SiteTime siteTime;

    public PlanCatalog(PlanRepository plans, SiteTime siteTime) {
        this.plans = plans;
        this.siteTime = siteTime;
    }

    /**
     * The plan {@code planId} of the caller's site if a new subscription may use it: the plan is active and its
     * product is not archived. Otherwise a {@link ValidationException} on field {@code plan} saying why.
     */
    public Mono<PlanInfo> requireUsable(Caller caller, String planId) {
        return Mono.defer(() -> {
            if (!Ids.looksLike(Plan.ID_PREFIX, planId)) {
                return Mono.error(ValidationException.of(FIELD, "no such plan"));
            }
            return plans.findWithProduct(caller.siteId(), planId)
                    .switchIfEmpty(Mono.error(() -> ValidationException.of(FIELD, "no such plan")))
                    .flatMap(found -> {
                        if (!found.plan().active()) {
                            return Mono.error(ValidationException.of(FIELD, "is inactive: it takes no new "
                                    + "subscriptions"));
                        }
                        if (!found.productActive()) {
                            return Mono.error(ValidationException.of(FIELD, "belongs to an archived product"));
                        }
                        return Mono.just(found.plan().info(found.productAddressRequired()));
                    });
        });
    }

    /**
     * Marks the plan (and its product) used by a subscription, inside the caller's transaction. Fails with a
     * {@link ValidationException} on {@code plan} if the plan is no longer usable (deleted, deactivated or its
     * product archived since it was read).
     */
    public Mono<Void> markUsed(String siteId, String planId) {
        // the site's time when it can be known from the site alone (a test site with a clock row); a live site has
        // none, and its time is the wall clock either way
        return siteTime.now(siteId, false)
                .flatMap(now -> plans.markUsed(siteId, planId, now))
                .then(Mono.defer(() -> plans.findWithProduct(siteId, planId)))
                .switchIfEmpty(Mono.error(() -> ValidationException.of(FIELD, "no such plan")))
                .flatMap(found -> found.plan().active() && found.productActive() ? Mono.<Void>empty()
                        : Mono.error(ValidationException.of(FIELD, "is no longer usable: it was deactivated or its "
                                + "product archived")));
    }
}
