package io.masthead.subscription.product.model;

import io.masthead.platform.model.RecordDiff;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Something customers subscribe to through one of its plans (seed 004). {@code usedAt} is set when a subscription
 * first uses one of its plans; from then on it can be archived but never deleted.
 */
public record Product(String id, String siteId, ProductProfile profile, Instant usedAt, Instant createdAt,
        Instant updatedAt) {

    public static final String ID_PREFIX = "prd";

    public static Product create(String id, String siteId, ProductProfile profile, Instant now) {
        return new Product(id, siteId, profile, null, now, now);
    }

    public boolean used() {
        return usedAt != null;
    }

    public boolean active() {
        return profile.isActive();
    }

    /** What a change of profile comes to; a refusal is a value the web layer turns into a problem. */
    public sealed interface Change {
        record Changed(Product product, List<String> fields) implements Change {
        }

        record Unchanged(Product product) implements Change {
        }

        /** Archiving needs every plan inactive first (an archived product has no active plans). */
        record HasActivePlans(long activePlans) implements Change {
        }
    }

    /** Applies a new (already valid) profile, given how many active plans the product has. */
    public Change change(ProductProfile next, long activePlans, Instant now) {
        List<String> changed = RecordDiff.changedFields(profile, next);
        if (changed.isEmpty()) {
            return new Change.Unchanged(this);
        }
        if (profile.isActive() && !next.isActive() && activePlans > 0) {
            return new Change.HasActivePlans(activePlans);
        }
        return new Change.Changed(new Product(id, siteId, next, usedAt, createdAt, now), changed);
    }

    /**
     * Archives the product: it takes no new plans and its plans take no new subscriptions, while existing
     * subscriptions run on. Refused while it has active plans; archiving an archived product changes nothing.
     */
    public Change archive(long activePlans, Instant now) {
        return change(profile.toBuilder().flag("active", false).build(), activePlans, now);
    }

    /**
     * Why this product cannot be deleted, if it cannot: a subscription used one of its plans, or it still has
     * active plans. Its inactive, never used plans are deleted with it (Release 1.54: a product with no active
     * plans can be archived and deleted).
     */
    public Optional<String> deletionRefusal(long activePlans) {
        if (used()) {
            return Optional.of("is used by subscriptions and cannot be deleted: archive it instead");
        }
        if (activePlans > 0) {
            return Optional.of(HasActivePlansMessage.of(activePlans, "deleted"));
        }
        return Optional.empty();
    }

    /** The words of the active-plans refusal, the same for archive and delete. */
    public static final class HasActivePlansMessage {
        private HasActivePlansMessage() {
        }

        public static String of(long activePlans, String verb) {
            return "has " + activePlans + " active plan" + (activePlans == 1 ? "" : "s") + " and cannot be " + verb
                    + ": deactivate " + (activePlans == 1 ? "it" : "them") + " first (active: false)";
        }
    }
}
