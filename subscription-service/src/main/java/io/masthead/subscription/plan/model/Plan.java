package io.masthead.subscription.plan.model;

import io.masthead.platform.model.RecordDiff;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A pricing plan of a product (seed 004: a product has one or several plans, e.g. weekly, monthly and yearly).
 * {@code usedAt} is set when a subscription first uses the plan; from then on its price and billing cycle are
 * fixed and it can no longer be deleted.
 */
public record Plan(String id, String siteId, String productId, PlanTerms terms, Instant usedAt, Instant createdAt,
        Instant updatedAt) {

    public static final String ID_PREFIX = "pln";

    public static Plan create(String id, String siteId, String productId, PlanTerms terms, Instant now) {
        return new Plan(id, siteId, productId, terms, null, now, now);
    }

    public boolean used() {
        return usedAt != null;
    }

    public boolean active() {
        return terms.isActive();
    }

    /** What a change of terms comes to; a refusal is a value the web layer turns into a problem. */
    public sealed interface Change {
        /** The plan with the new terms, and the snapshot fields that changed. */
        record Changed(Plan plan, List<String> fields) implements Change {
        }

        /** Nothing differs: no write, no event. */
        record Unchanged(Plan plan) implements Change {
        }

        /** The price or billing cycle would change on a plan a subscription already uses. */
        record FixedOnceUsed(List<String> fields) implements Change {
        }

        /** An active plan on an archived product: activate the product first. */
        record ProductArchived(String productId) implements Change {
        }
    }

    /**
     * Applies new (already valid) terms. {@code productActive} is whether the plan's product is active: an
     * archived product has no active plans, so a plan of one cannot be made active.
     */
    public Change change(PlanTerms next, boolean productActive, Instant now) {
        List<String> changed = RecordDiff.changedFields(terms, next);
        if (changed.isEmpty()) {
            return new Change.Unchanged(this);
        }
        if (used()) {
            List<String> fixed = terms.fixedFieldsChangedBy(next);
            if (!fixed.isEmpty()) {
                return new Change.FixedOnceUsed(fixed);
            }
        }
        if (next.isActive() && !terms.isActive() && !productActive) {
            return new Change.ProductArchived(productId);
        }
        return new Change.Changed(new Plan(id, siteId, productId, next, usedAt, createdAt, now), changed);
    }

    /** Why this plan cannot be deleted, if it cannot: a subscription has used it. */
    public Optional<String> deletionRefusal() {
        return used() ? Optional.of("is used by subscriptions and cannot be deleted: deactivate it (active: false) "
                + "instead") : Optional.empty();
    }

    /** What subscriptions read of this plan (the {@code PlanCatalog} contract). */
    public PlanInfo info(boolean productAddressRequired) {
        return new PlanInfo(id, productId, productAddressRequired, terms.nickname(), terms.amount(), terms.currency(),
                terms.billingInterval(), terms.intervalCount(), terms.autoRenew(), terms.shipmentsPerInterval(),
                terms.planType(), terms.revenueRecognition(), terms.entitlements(), terms.trialPeriodDays(),
                terms.isActive());
    }
}
