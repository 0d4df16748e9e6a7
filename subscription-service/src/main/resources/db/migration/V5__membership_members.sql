-- The members hanging off an admin's subscription: a cancellation or a change of plan of the admin's subscription
-- reads and changes its live members in the same transaction (MembershipRules.MAX_MEMBERS_PER_GROUP bounds them).
CREATE INDEX subscriptions_membership_admin ON subscriptions (site_id, membership_admin_id, customer_id, id)
    WHERE membership_admin_id IS NOT NULL;
