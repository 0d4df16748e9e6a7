package io.masthead.subscription.subscription.model;

import io.masthead.platform.validation.Violations;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Which subscriptions a list, an export or a bulk cancellation is about: by customer (or customers, for a search),
 * status, plan and creation time range {@code [createdGte, createdLt)}. One filter for all three, read by one
 * query builder, so an export holds exactly the rows the list shows (release 1.54 fixed exactly that mismatch).
 * No status given means every status: canceled and expired included (offboarding: "verify that your filters
 * include all statuses").
 */
public record SubscriptionFilter(List<String> customerIds, SubscriptionStatus status, String planId,
        Instant createdGte, Instant createdLt) {

    public static final SubscriptionFilter ALL = new SubscriptionFilter(null, null, null, null, null);

    public SubscriptionFilter {
        customerIds = customerIds == null ? null : List.copyOf(customerIds);
    }

    /** Parses the query parameters; every bad one is named. */
    public static SubscriptionFilter parse(String customer, String status, String plan, String createdGte,
            String createdLt) {
        Violations v = new Violations();
        v.checkIfPresent("customer", customer, c -> !c.isBlank() && c.length() <= 64, "must be a customer id");
        v.checkIfPresent("status", status, SubscriptionStatus::isKnown,
                "must be one of scheduled, trialing, active, past_due, unpaid, paused, canceled, expired");
        v.checkIfPresent("plan", plan, p -> !p.isBlank() && p.length() <= 64, "must be a plan id");
        Instant gte = instant(v, "created_gte", createdGte);
        Instant lt = instant(v, "created_lt", createdLt);
        v.timeInRange("created_gte", gte);
        v.timeInRange("created_lt", lt);
        if (gte != null && lt != null && !lt.isAfter(gte)) {
            v.add("created_lt", "must be after created_gte");
        }
        v.throwIfAny();
        return new SubscriptionFilter(customer == null ? null : List.of(customer),
                status == null ? null : SubscriptionStatus.parse(status), plan, gte, lt);
    }

    /** The same filter restricted to these customers (a search's matches). */
    public SubscriptionFilter withCustomers(List<String> ids) {
        return new SubscriptionFilter(ids, status, planId, createdGte, createdLt);
    }

    /** Whether a subscription passes the filter (the database query is the same predicate). */
    public boolean matches(Subscription s) {
        return (customerIds == null || customerIds.contains(s.customerId()))
                && (status == null || status == s.status())
                && (planId == null || planId.equals(s.plan().planId()))
                && (createdGte == null || !s.createdAt().isBefore(createdGte))
                && (createdLt == null || s.createdAt().isBefore(createdLt));
    }

    private static Instant instant(Violations v, String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            v.add(field, "must be an ISO-8601 UTC time, e.g. 2026-01-31T00:00:00Z");
            return null;
        }
    }
}
