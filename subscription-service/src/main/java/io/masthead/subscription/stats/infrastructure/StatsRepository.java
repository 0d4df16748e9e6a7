package io.masthead.subscription.stats.infrastructure;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The counts of {@code GET /v1/subscriptions/stats}, from the subscriptions and the pause history of one site. */
@Repository
public class StatsRepository {

    private final DatabaseClient db;

    public StatsRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Plan id to status to count. */
    public Mono<Map<String, Map<SubscriptionStatus, Long>>> byPlanAndStatus(String siteId) {
        return db.sql("""
                        SELECT plan_id, status, count(*) AS n FROM subscriptions WHERE site_id = :site
                         GROUP BY plan_id, status ORDER BY plan_id""")
                .bind("site", siteId)
                .map(row -> new Object[] {row.get("plan_id", String.class),
                    SubscriptionStatus.parse(row.get("status", String.class)), row.get("n", Long.class)})
                .all()
                .collect(LinkedHashMap::new, (Map<String, Map<SubscriptionStatus, Long>> map, Object[] r) -> map
                        .computeIfAbsent((String) r[0], k -> new LinkedHashMap<>())
                        .put((SubscriptionStatus) r[1], (Long) r[2]));
    }

    /** Pauses begun in [from, to), ended in it, and begun in it by an admin's override. */
    public Mono<long[]> pauses(String siteId, Instant from, Instant to) {
        return db.sql("""
                        SELECT count(*) FILTER (WHERE started_at >= :from AND started_at < :to) AS started,
                               count(*) FILTER (WHERE ended_at >= :from AND ended_at < :to) AS ended,
                               count(*) FILTER (WHERE started_at >= :from AND started_at < :to
                                                  AND (forced OR override_annual_limit)) AS overrides
                          FROM subscription_pauses
                         WHERE site_id = :site AND (started_at < :to AND (ended_at IS NULL OR ended_at >= :from))""")
                .bind("site", siteId).bind("from", Rows.timestamp(from)).bind("to", Rows.timestamp(to))
                .map(row -> new long[] {row.get("started", Long.class), row.get("ended", Long.class),
                    row.get("overrides", Long.class)})
                .one();
    }

    /**
     * Subscriptions that ended in [from, to): {canceled, expired, replaced}. A canceled one that a change of plan
     * replaced (another subscription {@code replaces} it) is replaced, not canceled: the customer stayed.
     */
    public Mono<long[]> churned(String siteId, Instant from, Instant to) {
        return db.sql("""
                        SELECT count(*) FILTER (WHERE s.status = 'canceled' AND r.id IS NULL) AS canceled,
                               count(*) FILTER (WHERE s.status = 'expired') AS expired,
                               count(*) FILTER (WHERE s.status = 'canceled' AND r.id IS NOT NULL) AS replaced
                          FROM subscriptions s
                          LEFT JOIN subscriptions r ON r.site_id = s.site_id AND r.replaces = s.id
                         WHERE s.site_id = :site AND s.ended_at >= :from AND s.ended_at < :to""")
                .bind("site", siteId).bind("from", Rows.timestamp(from)).bind("to", Rows.timestamp(to))
                .map(row -> new long[] {row.get("canceled", Long.class), row.get("expired", Long.class),
                    row.get("replaced", Long.class)})
                .one();
    }
}
