package io.masthead.subscription.entitlement.infrastructure;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.subscription.entitlement.model.Access;
import io.masthead.subscription.entitlement.model.Entitlement;
import io.masthead.subscription.entitlement.model.EntitlementSet;
import io.masthead.subscription.entitlement.model.EntitlementSettings;
import io.masthead.subscription.entitlement.model.EntitlementSource;
import io.masthead.subscription.entitlement.model.EventPosition;
import io.masthead.subscription.entitlement.model.Grant;
import io.masthead.subscription.entitlement.model.HeldSubscription;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Entitlements in PostgreSQL (V7__entitlements.sql): the sites' free tiers, the set last told for each customer, and
 * the grants read from the subscriptions and their plans. Every query is scoped to one site.
 */
@Repository
public class EntitlementRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<Map<String, Object>>> ITEMS = new TypeReference<>() {
    };
    private static final String[] GRANTING = Access.GRANTING_NAMES.toArray(String[]::new);
    /**
     * The granting statuses as SQL literals (constants, never input): a partial index's predicate is only used for a
     * query whose own predicate implies it, which a bound array does not.
     */
    static final String GRANTING_LITERALS = String.join(", ",
            Access.GRANTING_NAMES.stream().map(name -> "'" + name + "'").toList());

    private final DatabaseClient db;

    public EntitlementRepository(DatabaseClient db) {
        this.db = db;
    }

    /**
     * The subscriptions {@code customerId} holds now that grant access, with their plans' entitlements, oldest first:
     * read from the subscriptions themselves (the API's answer, never behind).
     */
    public Flux<Grant> grants(String siteId, String customerId) {
        return db.sql("""
                        SELECT s.id, p.entitlements
                          FROM subscriptions s
                          JOIN plans p ON p.site_id = s.site_id AND p.id = s.plan_id
                         WHERE s.site_id = :site AND COALESCE(s.gift_recipient_id, s.customer_id) = :customer
                           AND s.status = ANY(:statuses)
                         ORDER BY s.id""")
                .bind("site", siteId).bind("customer", customerId).bind("statuses", GRANTING)
                .map(row -> new Grant(row.get("id", String.class), names(row, "entitlements")))
                .all();
    }

    /**
     * The subscriptions {@code customerId} holds that grant access as the sync knows them (the events applied so far,
     * {@code entitlement_subscriptions}), with their plans' entitlements as they are now, oldest first.
     */
    public Flux<Grant> heldGrants(String siteId, String customerId) {
        return db.sql("""
                        SELECT h.subscription_id, p.entitlements
                          FROM entitlement_subscriptions h
                          JOIN plans p ON p.site_id = h.site_id AND p.id = h.plan_id
                         WHERE h.site_id = :site AND h.holder_id = :customer AND h.status = ANY(:statuses)
                         ORDER BY h.subscription_id""")
                .bind("site", siteId).bind("customer", customerId).bind("statuses", GRANTING)
                .map(row -> new Grant(row.get("subscription_id", String.class), names(row, "entitlements")))
                .all();
    }

    /** A subscription as the sync knows it, and the position of the event applied last. */
    public record Applied(HeldSubscription subscription, EventPosition position) {
    }

    /** The subscription as the sync knows it, its row locked {@code FOR UPDATE}; empty before its first event. */
    public Mono<Applied> heldForUpdate(String siteId, String subscriptionId) {
        return db.sql("""
                        SELECT subscription_id, holder_id, plan_id, status, event_partition, event_offset,
                               event_occurred_at
                          FROM entitlement_subscriptions
                         WHERE site_id = :site AND subscription_id = :subscription FOR UPDATE""")
                .bind("site", siteId).bind("subscription", subscriptionId)
                .map(row -> new Applied(
                        new HeldSubscription(row.get("subscription_id", String.class),
                                row.get("holder_id", String.class), row.get("plan_id", String.class),
                                row.get("status", String.class)),
                        new EventPosition(row.get("event_partition", Integer.class),
                                row.get("event_offset", Long.class), Rows.instant(row, "event_occurred_at"))))
                .one();
    }

    /** Stores the subscription as event {@code eventId} at {@code position} tells it. */
    public Mono<Void> saveHeld(String siteId, boolean livemode, HeldSubscription held, String eventId,
            EventPosition position) {
        return db.sql("""
                        INSERT INTO entitlement_subscriptions (site_id, subscription_id, livemode, holder_id, plan_id,
                                    status, event_id, event_partition, event_offset, event_occurred_at)
                        VALUES (:site, :subscription, :livemode, :holder, :plan, :status, :eventId, :partition,
                                :offset, :occurredAt)
                        ON CONFLICT (site_id, subscription_id) DO UPDATE
                           SET holder_id = EXCLUDED.holder_id, plan_id = EXCLUDED.plan_id,
                               status = EXCLUDED.status, event_id = EXCLUDED.event_id,
                               event_partition = EXCLUDED.event_partition, event_offset = EXCLUDED.event_offset,
                               event_occurred_at = EXCLUDED.event_occurred_at""")
                .bind("site", siteId).bind("subscription", held.subscriptionId()).bind("livemode", livemode)
                .bind("holder", held.holderId()).bind("plan", held.planId()).bind("status", held.status())
                .bind("eventId", eventId).bind("partition", position.partition())
                .bind("offset", position.offset()).bind("occurredAt", Rows.timestamp(position.occurredAt()))
                .fetch().rowsUpdated().then();
    }

    /** The site's settings (an empty free tier for a site that never set them). */
    public Mono<EntitlementSettings> settings(String siteId) {
        return db.sql("SELECT site_id, free_tier, updated_at FROM entitlement_settings WHERE site_id = :site")
                .bind("site", siteId).map(EntitlementRepository::toSettings).one()
                .defaultIfEmpty(EntitlementSettings.none(siteId));
    }

    /**
     * The site's settings, the row locked: {@code FOR SHARE} (a reader that stores what the free tier gives; a
     * change of the free tier waits for it) or {@code FOR UPDATE} (the change). The row is created empty first when
     * the site has none, so there is always a row to lock.
     */
    public Mono<EntitlementSettings> lockSettings(String siteId, boolean forUpdate) {
        return db.sql("INSERT INTO entitlement_settings (site_id) VALUES (:site) ON CONFLICT DO NOTHING")
                .bind("site", siteId).fetch().rowsUpdated()
                .then(db.sql("SELECT site_id, free_tier, updated_at FROM entitlement_settings WHERE site_id = :site "
                                + (forUpdate ? "FOR UPDATE" : "FOR SHARE"))
                        .bind("site", siteId).map(EntitlementRepository::toSettings).one());
    }

    public Mono<Void> saveSettings(EntitlementSettings settings) {
        return db.sql("""
                        UPDATE entitlement_settings SET free_tier = :freeTier, updated_at = :updatedAt
                         WHERE site_id = :site""")
                .bind("site", settings.siteId())
                .bind("freeTier", settings.freeTier().toArray(String[]::new))
                .bind("updatedAt", Rows.timestamp(settings.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    /**
     * Locks the customer's row of stored sets {@code FOR UPDATE}, inserting it first when missing (so there is always
     * a row to lock: two computations of one customer never run at once), and returns the set stored last, or empty
     * for a customer never computed.
     */
    public Mono<Optional<EntitlementSet>> lockStored(String siteId, boolean livemode, String customerId,
            Instant now) {
        return db.sql("""
                        INSERT INTO customer_entitlements (site_id, customer_id, livemode, updated_at)
                        VALUES (:site, :customer, :livemode, :updatedAt) ON CONFLICT DO NOTHING""")
                .bind("site", siteId).bind("customer", customerId).bind("livemode", livemode)
                .bind("updatedAt", Rows.timestamp(now))
                .fetch().rowsUpdated()
                .then(db.sql("""
                                SELECT customer_id, source, entitlements FROM customer_entitlements
                                 WHERE site_id = :site AND customer_id = :customer FOR UPDATE""")
                        .bind("site", siteId).bind("customer", customerId)
                        .map(row -> row.get("source", String.class) == null ? Optional.<EntitlementSet>empty()
                                : Optional.of(toSet(row)))
                        .one());
    }

    public Mono<Void> store(String siteId, boolean livemode, EntitlementSet set, Instant now) {
        return db.sql("""
                        INSERT INTO customer_entitlements (site_id, customer_id, livemode, source, entitlements,
                                                           updated_at)
                        VALUES (:site, :customer, :livemode, :source, :entitlements, :updatedAt)
                        ON CONFLICT (site_id, customer_id) DO UPDATE
                           SET livemode = EXCLUDED.livemode, source = EXCLUDED.source, entitlements = EXCLUDED.entitlements,
                               updated_at = EXCLUDED.updated_at""")
                .bind("site", siteId).bind("customer", set.customerId()).bind("livemode", livemode)
                .bind("source", set.source().wireName()).bind("entitlements", json(set))
                .bind("updatedAt", Rows.timestamp(now))
                .fetch().rowsUpdated().then();
    }

    /** Up to {@code limit} customers after {@code after} (null: from the first) whose stored set is the free tier. */
    public Flux<String> customersOnTheFreeTier(String siteId, String after, int limit) {
        return db.sql("""
                        SELECT customer_id FROM customer_entitlements
                         WHERE site_id = :site AND source = 'free_tier' AND customer_id > :after
                         ORDER BY customer_id LIMIT :limit""")
                .bind("site", siteId).bind("after", after == null ? "" : after).bind("limit", limit)
                .map(row -> row.get("customer_id", String.class)).all();
    }

    /**
     * Up to {@code limit} customers after {@code after} (null: from the first) who hold a granting subscription of the
     * plan, as the sync knows the subscriptions: a keyset walk of the partial index
     * {@code entitlement_subscriptions_plan_holders}, so each batch reads its own holders only.
     */
    public Flux<String> holdersOfPlan(String siteId, String planId, String after, int limit) {
        return db.sql("""
                        SELECT DISTINCT holder_id FROM entitlement_subscriptions
                         WHERE site_id = :site AND plan_id = :plan AND status IN (%s)
                           AND holder_id > :after
                         ORDER BY holder_id LIMIT :limit""".formatted(GRANTING_LITERALS))
                .bind("site", siteId).bind("plan", planId)
                .bind("after", after == null ? "" : after).bind("limit", limit)
                .map(row -> row.get("holder_id", String.class)).all();
    }

    private static EntitlementSettings toSettings(Readable row) {
        return new EntitlementSettings(row.get("site_id", String.class), names(row, "free_tier"),
                Rows.instant(row, "updated_at"));
    }

    private static List<String> names(Readable row, String column) {
        String[] names = row.get(column, String[].class);
        return names == null ? List.of() : Arrays.asList(names);
    }

    private static Json json(EntitlementSet set) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (Entitlement e : set.entitlements()) {
            items.add(Map.of("name", e.name(), "granted_by", e.grantedBy(), "free_tier", e.freeTier()));
        }
        return Json.of(JSON.writeValueAsString(items));
    }

    @SuppressWarnings("unchecked")
    private static EntitlementSet toSet(Readable row) {
        Json json = row.get("entitlements", Json.class);
        List<Entitlement> entitlements = new ArrayList<>();
        for (Map<String, Object> item : JSON.readValue(json.asString(), ITEMS)) {
            entitlements.add(new Entitlement((String) item.get("name"), (List<String>) item.get("granted_by"),
                    Boolean.TRUE.equals(item.get("free_tier"))));
        }
        return new EntitlementSet(row.get("customer_id", String.class),
                EntitlementSource.parse(row.get("source", String.class)), entitlements);
    }
}
