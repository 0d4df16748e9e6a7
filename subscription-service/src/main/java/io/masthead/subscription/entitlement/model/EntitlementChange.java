package io.masthead.subscription.entitlement.model;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A change of a customer's entitlement set: the sets before and after, and the names added and removed (both empty
 * when only what grants them changed, e.g. one of two subscriptions granting the same entitlement ended). A paywall
 * that cares about access only reads {@code added} and {@code removed}.
 */
public record EntitlementChange(EntitlementSet before, EntitlementSet after, List<String> added,
        List<String> removed) {

    public EntitlementChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
    }

    /** The change from {@code before} to {@code after}, or empty when they are the same set (nothing to tell). */
    public static Optional<EntitlementChange> between(EntitlementSet before, EntitlementSet after) {
        if (before.equals(after)) {
            return Optional.empty();
        }
        Set<String> added = new TreeSet<>(after.names());
        added.removeAll(before.names());
        Set<String> removed = new TreeSet<>(before.names());
        removed.removeAll(after.names());
        return Optional.of(new EntitlementChange(before, after, List.copyOf(added), List.copyOf(removed)));
    }

    /** Whether access changed (names), not only what grants it. */
    public boolean changesAccess() {
        return !added.isEmpty() || !removed.isEmpty();
    }
}
