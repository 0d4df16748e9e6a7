package io.masthead.subscription.subscription.model;

import java.util.Optional;

/**
 * The membership rules of the migration guide: a regular subscription belongs to no group; an admin or a member
 * names its group; a group has one admin (also a database constraint); a member joins a group whose admin
 * subscription is live, and hangs off it; a group's subscriptions are on a membership plan.
 */
public final class MembershipRules {

    private MembershipRules() {
    }

    /** The admin of the group as far as the caller knows it (its subscription id and status), or none. */
    public record GroupAdmin(String subscriptionId, SubscriptionStatus status, String planId) {
    }

    public static Optional<Rejection> check(Membership.Type type, String group, PlanTerms plan,
            Optional<GroupAdmin> admin) {
        if (type == Membership.Type.REGULAR) {
            return group == null ? Optional.empty()
                    : Optional.of(Rejection.invalid("membership_group_of_regular", "membership",
                            "a regular subscription belongs to no membership group"));
        }
        if (group == null || group.isBlank()) {
            return Optional.of(Rejection.invalid("membership_group_required", "membership",
                    "is required for an " + type.wireName() + " subscription"));
        }
        if (!plan.isMembershipPlan()) {
            return Optional.of(Rejection.invalid("membership_plan_required", "type",
                    type.wireName() + " subscriptions need a plan of type membership"));
        }
        boolean adminLive = admin.isPresent() && !admin.get().status().isTerminal();
        if (type == Membership.Type.ADMIN && adminLive) {
            return Optional.of(Rejection.invalid("one_admin_per_membership", "membership",
                    "group '" + group + "' already has an admin (" + admin.get().subscriptionId() + ")"));
        }
        if (type == Membership.Type.MEMBER && !adminLive) {
            return Optional.of(Rejection.invalid("membership_admin_required", "membership",
                    "group '" + group + "' has no live admin subscription for a member to join"));
        }
        if (type == Membership.Type.MEMBER && !admin.get().planId().equals(plan.planId())) {
            return Optional.of(Rejection.invalid("membership_same_plan", "plan",
                    "members are on their admin's plan (" + admin.get().planId() + ")"));
        }
        return Optional.empty();
    }
}
