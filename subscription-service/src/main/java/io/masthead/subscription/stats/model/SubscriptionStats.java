package io.masthead.subscription.stats.model;

import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A site's subscriptions counted (issue 9 "Analytics keeps paused apart from churned"): now by status and by plan,
 * and over a range [from, to) the pauses begun and ended and the churn (subscriptions that ended: canceled or
 * expired). A paused subscription is counted as paused, never as churned, and one a change of plan replaced is
 * counted as replaced.
 */
public record SubscriptionStats(Instant asOf, Instant from, Instant to, Map<SubscriptionStatus, Long> byStatus,
        List<PlanCounts> byPlan, long pausesStarted, long pausesEnded, long pauseOverrides, long churnedCanceled,
        long churnedExpired, long replaced) {

    public record PlanCounts(String planId, Map<SubscriptionStatus, Long> byStatus) {
        public PlanCounts {
            byStatus = everyStatus(byStatus);
        }

        public long total() {
            return byStatus.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public SubscriptionStats {
        byStatus = everyStatus(byStatus);
        byPlan = List.copyOf(byPlan);
    }

    public long total() {
        return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    public long churned() {
        return churnedCanceled + churnedExpired;
    }

    /** Every status in the table's order, 0 where none. */
    static Map<SubscriptionStatus, Long> everyStatus(Map<SubscriptionStatus, Long> counts) {
        Map<SubscriptionStatus, Long> all = new LinkedHashMap<>();
        for (SubscriptionStatus s : SubscriptionStatus.values()) {
            all.put(s, counts.getOrDefault(s, 0L));
        }
        return Collections.unmodifiableMap(all);
    }
}
