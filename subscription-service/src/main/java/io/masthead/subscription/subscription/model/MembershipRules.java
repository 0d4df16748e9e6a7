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

    /**
     * The most live members a group's admin subscription carries. Everything done to the admin's subscription that
     * its members follow (a cancellation, a change of plan) changes them in the admin's transaction, so a group is
     * bounded; a member beyond it is refused at creation.
     */
    public static final int MAX_MEMBERS_PER_GROUP = 500;

    /** The admin of the group as far as the caller knows it (its subscription id, status, plan and customer). */
    public record GroupAdmin(String subscriptionId, SubscriptionStatus status, String planId, String customerId) {

        public GroupAdmin(String subscriptionId, SubscriptionStatus status, String planId) {
            this(subscriptionId, status, planId, null);
        }
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

    /**
     * A new member of a group whose live admin's subscription already carries {@code liveMembers} live members and is
     * set to cancel at its period end or not. A member hangs off its admin and never outlives it: an admin that is
     * canceling takes no new member (409), whatever the member's own period would be.
     */
    public static Optional<Rejection> checkRoomForMember(String group, boolean adminCancelingAtPeriodEnd,
            long liveMembers) {
        if (adminCancelingAtPeriodEnd) {
            return Optional.of(Rejection.conflict("membership_admin_canceling", "the admin's subscription of group '"
                    + group + "' is set to cancel at its period end: the group takes no new member (a member never "
                    + "outlives its admin)"));
        }
        if (liveMembers >= MAX_MEMBERS_PER_GROUP) {
            return Optional.of(Rejection.invalid("membership_group_full", "membership",
                    "group '" + group + "' has " + MAX_MEMBERS_PER_GROUP + " live members, the most a group has"));
        }
        return Optional.empty();
    }

    /**
     * A change of plan of a subscription in a group. A regular one changes freely. An admin's subscription moves its
     * group: the new plan must be a membership plan, and its members move with it (each one canceled and started on
     * the new plan, hanging off the admin's new subscription). A member is on its admin's plan: it cannot move alone
     * (the admin's change of plan moves it); a change to the admin's own plan is allowed while the admin is live.
     */
    public static Optional<Rejection> checkChangeOfPlan(Membership membership, PlanTerms next,
            Optional<GroupAdmin> admin) {
        return switch (membership.type()) {
            case REGULAR -> Optional.empty();
            case ADMIN -> next.isMembershipPlan() ? Optional.empty()
                    : Optional.of(Rejection.invalid("membership_plan_required", "plan",
                            "the admin's subscription of group '" + membership.group() + "' moves the group with it: "
                                    + "the new plan must be of type membership"));
            case MEMBER -> {
                boolean adminLive = admin.isPresent() && !admin.get().status().isTerminal();
                if (!adminLive) {
                    yield Optional.of(Rejection.conflict("membership_admin_required", "group '" + membership.group()
                            + "' has no live admin subscription: a member cannot change plan without one"));
                }
                yield admin.get().planId().equals(next.planId()) ? Optional.empty()
                        : Optional.of(Rejection.conflict("membership_member_follows_admin", "a member is on its "
                                + "admin's plan (" + admin.get().planId() + "): change the plan of the admin's "
                                + "subscription (" + admin.get().subscriptionId() + "), which moves every member"));
            }
        };
    }
}
