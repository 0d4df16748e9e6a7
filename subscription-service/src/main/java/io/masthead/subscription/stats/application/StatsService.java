package io.masthead.subscription.stats.application;

import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.platform.validation.Violations;
import io.masthead.subscription.stats.infrastructure.StatsRepository;
import io.masthead.subscription.stats.model.SubscriptionStats;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** {@code GET /v1/subscriptions/stats}: a site's counts, admin (secret key) only. */
@Service
public class StatsService {

    /** The range when none is given: the 30 days up to the site's now. */
    public static final Duration DEFAULT_RANGE = Duration.ofDays(30);

    private final StatsRepository stats;
    private final SiteTime siteTime;

    public StatsService(StatsRepository stats, SiteTime siteTime) {
        this.stats = stats;
        this.siteTime = siteTime;
    }

    /** @param from start of the range (inclusive), default {@code to} - 30 days; @param to its end, default now */
    public Mono<SubscriptionStats> stats(Caller caller, Instant from, Instant to) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return siteTime.now(caller).flatMap(now -> {
                Instant end = to != null ? to : now;
                Instant start = from != null ? from : end.minus(DEFAULT_RANGE);
                Violations v = new Violations();
                if (from != null) {
                    v.timeInRange("from", from);
                }
                if (to != null) {
                    v.timeInRange("to", to);
                }
                if (v.isEmpty() && !start.isBefore(end)) {
                    v.add(from != null ? "from" : "to", "the range [from, to) must not be empty: from before to");
                }
                v.throwIfAny();
                String site = caller.siteId();
                return Mono.zip(stats.byPlanAndStatus(site), stats.pauses(site, start, end),
                        stats.churned(site, start, end)).map(t -> {
                            Map<SubscriptionStatus, Long> byStatus = new EnumMap<>(SubscriptionStatus.class);
                            t.getT1().values().forEach(counts -> counts.forEach((status, n) ->
                                    byStatus.merge(status, n, Long::sum)));
                            List<SubscriptionStats.PlanCounts> byPlan = t.getT1().entrySet().stream()
                                    .map(e -> new SubscriptionStats.PlanCounts(e.getKey(), e.getValue())).toList();
                            long[] pauses = t.getT2();
                            long[] churn = t.getT3();
                            return new SubscriptionStats(now, start, end, byStatus, byPlan, pauses[0], pauses[1],
                                    pauses[2], churn[0], churn[1], churn[2]);
                        });
            });
        });
    }
}
