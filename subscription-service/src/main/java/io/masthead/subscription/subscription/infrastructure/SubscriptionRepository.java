package io.masthead.subscription.subscription.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;

import io.masthead.platform.outbox.AggregateLock;
import io.masthead.platform.r2dbc.JsonRows;
import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.PageRequest;
import io.masthead.subscription.subscription.model.BillingInterval;
import io.masthead.subscription.subscription.model.CollectionMethod;
import io.masthead.subscription.subscription.model.Membership;
import io.masthead.subscription.subscription.model.PauseState;
import io.masthead.subscription.subscription.model.MembershipRules;
import io.masthead.subscription.subscription.model.Period;
import io.masthead.subscription.subscription.model.PlanTerms;
import io.masthead.subscription.subscription.model.ScheduledRenewal;
import io.masthead.subscription.subscription.model.Subscription;
import io.masthead.subscription.subscription.model.SubscriptionFilter;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Subscriptions and their periods in PostgreSQL; every query is scoped to one site. */
@Repository
public class SubscriptionRepository {

    /** The aggregate every subscription event serializes on: its own row. */
    public static final AggregateLock.Table AGGREGATE = AggregateLock.table("subscriptions");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String COLUMNS = """
            s.id, s.site_id, s.livemode, s.customer_id, s.plan_id, s.product_id, s.plan_amount, s.currency,
            s.billing_interval, s.interval_count, s.shipments_per_interval, s.plan_auto_renew, s.plan_type,
            s.plan_trial_period_days, s.address_required, s.quantity, s.collection_method, s.days_until_due, s.status,
            s.start_date, s.trial_start, s.trial_end, s.billing_cycle_anchor, s.period_number, s.current_period_start,
            s.current_period_end, s.auto_renew, s.cancel_at_period_end, s.canceled_at, s.ended_at,
            s.initial_period_paid, s.shipments_remaining, s.shipments_undeliverable, s.shipments_suspended_until,
            s.shipping_address_id, s.billing_address_id, s.gift_recipient_id, s.membership_type, s.membership_id,
            s.membership_admin_id, s.replaces, s.scheduled_renewal, s.metadata, s.created_at, s.updated_at,
            s.pause_start_at, s.pause_end_at, s.pause_resumes_to, s.pause_year, s.pause_count, s.pause_period_credit_ms,
            s.pause_suspended_before""";

    private final DatabaseClient db;

    public SubscriptionRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(Subscription s) {
        return bindAll(db.sql("""
                INSERT INTO subscriptions (id, site_id, livemode, customer_id, plan_id, product_id, plan_amount, currency,
                    billing_interval, interval_count, shipments_per_interval, plan_auto_renew, plan_type,
                    plan_trial_period_days, address_required, quantity, collection_method, days_until_due, status,
                    start_date, trial_start, trial_end, billing_cycle_anchor, period_number, current_period_start,
                    current_period_end, auto_renew, cancel_at_period_end, canceled_at, ended_at, initial_period_paid,
                    shipments_remaining, shipments_undeliverable, shipments_suspended_until, shipping_address_id,
                    billing_address_id, gift_recipient_id, membership_type, membership_id, membership_admin_id,
                    replaces, scheduled_renewal, metadata, created_at, updated_at)
                VALUES (:id, :site, :livemode, :customer, :plan, :product, :amount, :currency, :interval,
                    :intervalCount, :shipmentsPerInterval, :planAutoRenew, :planType, :planTrialDays, :addressRequired,
                    :quantity, :collectionMethod, :daysUntilDue, :status, :startDate, :trialStart, :trialEnd, :anchor,
                    :periodNumber, :periodStart, :periodEnd, :autoRenew, :cancelAtPeriodEnd, :canceledAt, :endedAt,
                    :initialPeriodPaid, :shipmentsRemaining, :shipmentsUndeliverable, :suspendedUntil, :shipping,
                    :billing, :giftRecipient, :membershipType, :membershipId, :membershipAdmin, :replaces,
                    :scheduledRenewal, :metadata, :createdAt, :updatedAt)"""), s)
                .bind("site", s.siteId()).bind("livemode", s.livemode()).bind("customer", s.customerId())
                .bind("giftRecipient", text(s.giftRecipientId()))
                .bind("membershipType", s.membership().type().wireName())
                .bind("membershipId", text(s.membership().group()))
                .bind("membershipAdmin", text(s.membership().adminSubscriptionId()))
                .bind("replaces", text(s.replaces())).bind("createdAt", ts(s.createdAt()))
                .fetch().rowsUpdated().then();
    }

    /** Writes every changeable column of {@code s} (the immutable ones: site, customer, gift, membership stay). */
    public Mono<Void> update(Subscription s) {
        return bindAll(db.sql("""
                UPDATE subscriptions SET plan_id = :plan, product_id = :product, plan_amount = :amount,
                    currency = :currency, billing_interval = :interval, interval_count = :intervalCount,
                    shipments_per_interval = :shipmentsPerInterval, plan_auto_renew = :planAutoRenew,
                    plan_type = :planType, plan_trial_period_days = :planTrialDays, address_required = :addressRequired,
                    quantity = :quantity, collection_method = :collectionMethod, days_until_due = :daysUntilDue,
                    status = :status, start_date = :startDate, trial_start = :trialStart, trial_end = :trialEnd,
                    billing_cycle_anchor = :anchor, period_number = :periodNumber,
                    current_period_start = :periodStart, current_period_end = :periodEnd, auto_renew = :autoRenew,
                    cancel_at_period_end = :cancelAtPeriodEnd, canceled_at = :canceledAt, ended_at = :endedAt,
                    initial_period_paid = :initialPeriodPaid, shipments_remaining = :shipmentsRemaining,
                    shipments_undeliverable = :shipmentsUndeliverable, shipments_suspended_until = :suspendedUntil,
                    shipping_address_id = :shipping, billing_address_id = :billing,
                    scheduled_renewal = :scheduledRenewal, metadata = :metadata, updated_at = :updatedAt,
                    pause_start_at = :pauseStart, pause_end_at = :pauseEnd, pause_resumes_to = :pauseResumesTo,
                    pause_year = :pauseYear, pause_count = :pauseCount, pause_period_credit_ms = :pauseCredit,
                    pause_suspended_before = :pauseSuspendedBefore
                 WHERE id = :id"""), s)
                .bind("pauseStart", tsOrNull(s.pause().startAt())).bind("pauseEnd", tsOrNull(s.pause().endAt()))
                .bind("pauseResumesTo", text(s.pause().resumesTo() == null ? null : s.pause().resumesTo().wireName()))
                .bind("pauseYear", s.pause().lastYear()).bind("pauseCount", s.pause().countInLastYear())
                .bind("pauseCredit", s.pause().periodCredit().toMillis())
                .bind("pauseSuspendedBefore", tsOrNull(s.pause().shipmentsSuspendedBefore()))
                .fetch().rowsUpdated().then();
    }

    /**
     * {@link #update} for many subscriptions of one site, in one statement (every changeable column of each, as
     * {@link #update} writes it).
     */
    public Mono<Void> updateAll(String siteId, List<Subscription> changed) {
        return Mono.defer(() -> {
            if (changed.isEmpty()) {
                return Mono.empty();
            }
            JsonRows rows = new JsonRows();
            for (Subscription s : changed) {
                PlanTerms p = s.plan();
                ObjectNode row = rows.add().put("id", s.id())
                        .put("plan_id", p.planId()).put("product_id", p.productId()).put("plan_amount", p.amount())
                        .put("currency", p.currency()).put("billing_interval", p.interval().wireName())
                        .put("interval_count", p.intervalCount())
                        .put("shipments_per_interval", p.shipmentsPerInterval())
                        .put("plan_auto_renew", p.autoRenew()).put("plan_type", p.type())
                        .put("plan_trial_period_days", p.trialPeriodDays())
                        .put("address_required", p.addressRequired())
                        .put("quantity", s.quantity()).put("collection_method", s.collectionMethod().wireName())
                        .put("days_until_due", s.daysUntilDue()).put("status", s.status().wireName())
                        .put("start_date", JsonRows.time(s.startDate()))
                        .put("trial_start", JsonRows.time(s.trialStart()))
                        .put("trial_end", JsonRows.time(s.trialEnd()))
                        .put("billing_cycle_anchor", JsonRows.time(s.billingCycleAnchor()))
                        .put("period_number", s.periodNumber())
                        .put("current_period_start", JsonRows.time(s.currentPeriodStart()))
                        .put("current_period_end", JsonRows.time(s.currentPeriodEnd()))
                        .put("auto_renew", s.autoRenew()).put("cancel_at_period_end", s.cancelAtPeriodEnd())
                        .put("canceled_at", JsonRows.time(s.canceledAt()))
                        .put("ended_at", JsonRows.time(s.endedAt()))
                        .put("initial_period_paid", s.initialPeriodPaid())
                        .put("shipments_remaining", s.shipmentsRemaining())
                        .put("shipments_undeliverable", s.shipmentsUndeliverable())
                        .put("shipments_suspended_until", JsonRows.time(s.shipmentsSuspendedUntil()))
                        .put("shipping_address_id", s.shippingAddressId())
                        .put("billing_address_id", s.billingAddressId())
                        .put("updated_at", JsonRows.time(s.updatedAt()));
                row.set("metadata", JsonRows.mapper().valueToTree(s.metadata() == null ? Map.of() : s.metadata()));
                Map<String, Object> renewal = renewalMap(s.scheduledRenewal());
                row.set("scheduled_renewal", renewal == null ? JsonRows.mapper().nullNode()
                        : JsonRows.mapper().valueToTree(renewal));
            }
            return db.sql("""
                    UPDATE subscriptions s SET plan_id = r.plan_id, product_id = r.product_id,
                        plan_amount = r.plan_amount, currency = r.currency, billing_interval = r.billing_interval,
                        interval_count = r.interval_count, shipments_per_interval = r.shipments_per_interval,
                        plan_auto_renew = r.plan_auto_renew, plan_type = r.plan_type,
                        plan_trial_period_days = r.plan_trial_period_days, address_required = r.address_required,
                        quantity = r.quantity, collection_method = r.collection_method,
                        days_until_due = r.days_until_due, status = r.status, start_date = r.start_date,
                        trial_start = r.trial_start, trial_end = r.trial_end,
                        billing_cycle_anchor = r.billing_cycle_anchor, period_number = r.period_number,
                        current_period_start = r.current_period_start, current_period_end = r.current_period_end,
                        auto_renew = r.auto_renew, cancel_at_period_end = r.cancel_at_period_end,
                        canceled_at = r.canceled_at, ended_at = r.ended_at, initial_period_paid = r.initial_period_paid,
                        shipments_remaining = r.shipments_remaining,
                        shipments_undeliverable = r.shipments_undeliverable,
                        shipments_suspended_until = r.shipments_suspended_until,
                        shipping_address_id = r.shipping_address_id, billing_address_id = r.billing_address_id,
                        scheduled_renewal = r.scheduled_renewal, metadata = r.metadata, updated_at = r.updated_at
                      FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(id text, plan_id text, product_id text,
                        plan_amount bigint, currency text, billing_interval text, interval_count integer,
                        shipments_per_interval integer, plan_auto_renew boolean, plan_type text,
                        plan_trial_period_days integer, address_required boolean, quantity integer,
                        collection_method text, days_until_due integer, status text, start_date timestamptz,
                        trial_start timestamptz, trial_end timestamptz, billing_cycle_anchor timestamptz,
                        period_number bigint, current_period_start timestamptz, current_period_end timestamptz,
                        auto_renew boolean, cancel_at_period_end boolean, canceled_at timestamptz,
                        ended_at timestamptz, initial_period_paid boolean, shipments_remaining integer,
                        shipments_undeliverable boolean, shipments_suspended_until timestamptz,
                        shipping_address_id text, billing_address_id text, scheduled_renewal jsonb, metadata jsonb,
                        updated_at timestamptz)
                     WHERE s.site_id = :site AND s.id = r.id""")
                    .bind("rows", rows.parameter()).bind("site", siteId)
                    .fetch().rowsUpdated()
                    .flatMap(updated -> updated == changed.size() ? Mono.<Void>empty()
                            : Mono.error(new IllegalStateException("updated " + updated + " of " + changed.size()
                                    + " subscriptions of site " + siteId)));
        });
    }

    private static DatabaseClient.GenericExecuteSpec bindAll(DatabaseClient.GenericExecuteSpec sql, Subscription s) {
        PlanTerms p = s.plan();
        return sql.bind("id", s.id())
                .bind("plan", p.planId()).bind("product", p.productId()).bind("amount", p.amount())
                .bind("currency", p.currency()).bind("interval", p.interval().wireName())
                .bind("intervalCount", p.intervalCount()).bind("shipmentsPerInterval", p.shipmentsPerInterval())
                .bind("planAutoRenew", p.autoRenew()).bind("planType", p.type())
                .bind("planTrialDays", Parameter.fromOrEmpty(p.trialPeriodDays(), Integer.class))
                .bind("addressRequired", p.addressRequired())
                .bind("quantity", s.quantity()).bind("collectionMethod", s.collectionMethod().wireName())
                .bind("daysUntilDue", Parameter.fromOrEmpty(s.daysUntilDue(), Integer.class))
                .bind("status", s.status().wireName())
                .bind("startDate", ts(s.startDate())).bind("trialStart", tsOrNull(s.trialStart()))
                .bind("trialEnd", tsOrNull(s.trialEnd())).bind("anchor", ts(s.billingCycleAnchor()))
                .bind("periodNumber", s.periodNumber())
                .bind("periodStart", ts(s.currentPeriodStart())).bind("periodEnd", ts(s.currentPeriodEnd()))
                .bind("autoRenew", s.autoRenew()).bind("cancelAtPeriodEnd", s.cancelAtPeriodEnd())
                .bind("canceledAt", tsOrNull(s.canceledAt())).bind("endedAt", tsOrNull(s.endedAt()))
                .bind("initialPeriodPaid", s.initialPeriodPaid())
                .bind("shipmentsRemaining", s.shipmentsRemaining())
                .bind("shipmentsUndeliverable", s.shipmentsUndeliverable())
                .bind("suspendedUntil", tsOrNull(s.shipmentsSuspendedUntil()))
                .bind("shipping", text(s.shippingAddressId())).bind("billing", text(s.billingAddressId()))
                .bind("scheduledRenewal", renewalJson(s.scheduledRenewal()))
                .bind("metadata", Rows.json(s.metadata())).bind("updatedAt", ts(s.updatedAt()));
    }

    /** Records a period the subscription entered; a second start of the same period violates the primary key. */
    public Mono<Void> insertPeriod(Subscription s, Period period, String kind, Instant now) {
        return db.sql("""
                        INSERT INTO subscription_periods (subscription_id, site_id, period_start, period_end,
                            period_number, kind, plan_id, amount, currency, created_at)
                        VALUES (:id, :site, :start, :end, :number, :kind, :plan, :amount, :currency, :now)""")
                .bind("id", s.id()).bind("site", s.siteId()).bind("start", ts(period.start()))
                .bind("end", ts(period.end())).bind("number", period.number()).bind("kind", kind)
                .bind("plan", s.plan().planId()).bind("amount", s.plan().amount())
                .bind("currency", s.plan().currency()).bind("now", ts(now))
                .fetch().rowsUpdated().then();
    }

    /** A period a subscription entered, for {@link #insertPeriods}. */
    public record PeriodEntered(Subscription subscription, Period period, String kind) {
    }

    /** {@link #insertPeriod} for many subscriptions, in one statement. */
    public Mono<Void> insertPeriods(List<PeriodEntered> periods, Instant now) {
        return Mono.defer(() -> {
            if (periods.isEmpty()) {
                return Mono.empty();
            }
            JsonRows rows = new JsonRows();
            for (PeriodEntered p : periods) {
                Subscription s = p.subscription();
                rows.add().put("subscription_id", s.id()).put("site_id", s.siteId())
                        .put("period_start", JsonRows.time(p.period().start()))
                        .put("period_end", JsonRows.time(p.period().end())).put("period_number", p.period().number())
                        .put("kind", p.kind()).put("plan_id", s.plan().planId()).put("amount", s.plan().amount())
                        .put("currency", s.plan().currency());
            }
            return db.sql("""
                            INSERT INTO subscription_periods (subscription_id, site_id, period_start, period_end,
                                period_number, kind, plan_id, amount, currency, created_at)
                            SELECT r.subscription_id, r.site_id, r.period_start, r.period_end, r.period_number, r.kind,
                                   r.plan_id, r.amount, r.currency, :now
                              FROM jsonb_to_recordset(CAST(:rows AS jsonb))
                                   AS r(subscription_id text, site_id text, period_start timestamptz,
                                        period_end timestamptz, period_number bigint, kind text, plan_id text,
                                        amount bigint, currency text)""")
                    .bind("rows", rows.parameter()).bind("now", ts(now))
                    .fetch().rowsUpdated().then();
        });
    }

    public Flux<Period> periods(String siteId, String subscriptionId) {
        return db.sql("""
                        SELECT period_number, period_start, period_end FROM subscription_periods
                         WHERE site_id = :site AND subscription_id = :id ORDER BY period_start""")
                .bind("site", siteId).bind("id", subscriptionId)
                .map(row -> new Period(row.get("period_number", Long.class), Rows.instant(row, "period_start"),
                        Rows.instant(row, "period_end")))
                .all();
    }

    public Mono<Subscription> find(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM subscriptions s WHERE s.site_id = :site AND s.id = :id")
                .bind("site", siteId).bind("id", id).map(SubscriptionRepository::toSubscription).one();
    }

    /** Reads and locks the row (the aggregate lock of every event of this subscription) for the transaction. */
    public Mono<Subscription> findForUpdate(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS
                        + " FROM subscriptions s WHERE s.site_id = :site AND s.id = :id FOR NO KEY UPDATE")
                .bind("site", siteId).bind("id", id).map(SubscriptionRepository::toSubscription).one();
    }

    /**
     * Reads and locks many rows of one site (in id order, one statement), as {@link #findForUpdate} does one:
     * lock their customers first ({@code AggregateLock.lockAll}), like every writer.
     */
    public Flux<Subscription> findAllForUpdate(String siteId, Collection<String> ids) {
        return Flux.defer(() -> ids.isEmpty() ? Flux.<Subscription>empty() : db.sql("SELECT " + COLUMNS
                        + " FROM subscriptions s WHERE s.site_id = :site AND s.id = ANY(:ids) ORDER BY s.id"
                        + " FOR NO KEY UPDATE")
                .bind("site", siteId).bind("ids", new TreeSet<>(ids).toArray(String[]::new))
                .map(SubscriptionRepository::toSubscription).all());
    }

    /** The paying customer of each of the site's subscriptions among {@code ids} (a customer never changes). */
    public Mono<Map<String, String>> customersOf(String siteId, Collection<String> ids) {
        return Mono.defer(() -> ids.isEmpty() ? Mono.just(Map.<String, String>of()) : db.sql(
                        "SELECT id, customer_id FROM subscriptions WHERE site_id = :site AND id = ANY(:ids)")
                .bind("site", siteId).bind("ids", ids.toArray(String[]::new))
                .map(row -> Map.entry(row.get("id", String.class), row.get("customer_id", String.class))).all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The live (or latest) admin subscription of a membership group. */
    public Mono<MembershipRules.GroupAdmin> findGroupAdmin(String siteId, String group) {
        return db.sql("""
                        SELECT id, status, plan_id, customer_id FROM subscriptions
                         WHERE site_id = :site AND membership_id = :group AND membership_type = 'admin'
                         ORDER BY (status IN ('canceled', 'expired')), id DESC LIMIT 1""")
                .bind("site", siteId).bind("group", group)
                .map(row -> new MembershipRules.GroupAdmin(row.get("id", String.class),
                        SubscriptionStatus.parse(row.get("status", String.class)), row.get("plan_id", String.class),
                        row.get("customer_id", String.class)))
                .one();
    }

    /**
     * The live (not ended) members hanging off an admin's subscription, up to {@code limit}, in the order they are
     * locked (customer, then id), so two writers of overlapping groups lock in the same order.
     */
    public Flux<Subscription> liveMembers(String siteId, String adminSubscriptionId, int limit) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM subscriptions s
                        WHERE s.site_id = :site AND s.membership_admin_id = :admin
                          AND s.status NOT IN ('canceled', 'expired')
                        ORDER BY s.customer_id, s.id LIMIT :limit""")
                .bind("site", siteId).bind("admin", adminSubscriptionId).bind("limit", limit)
                .map(SubscriptionRepository::toSubscription).all();
    }

    public Mono<Long> countLiveMembers(String siteId, String adminSubscriptionId) {
        return db.sql("""
                        SELECT count(*) AS n FROM subscriptions
                         WHERE site_id = :site AND membership_admin_id = :admin
                           AND status NOT IN ('canceled', 'expired')""")
                .bind("site", siteId).bind("admin", adminSubscriptionId)
                .map(row -> row.get("n", Long.class)).one();
    }

    /** A page of the subscriptions the filter selects, newest first. */
    public Flux<Subscription> list(String siteId, SubscriptionFilter filter, PageRequest page) {
        return filtered(siteId, filter, " AND (CAST(:cursor AS TEXT) IS NULL OR s.id < :cursor) ORDER BY s.id DESC "
                + "LIMIT :limit")
                .bind("cursor", text(page.startingAfter())).bind("limit", page.fetchSize())
                .map(SubscriptionRepository::toSubscription).all();
    }

    /** Every subscription the filter selects, newest first like the list, from a server-side cursor. */
    public Flux<Subscription> stream(String siteId, SubscriptionFilter filter) {
        return filtered(siteId, filter, " ORDER BY s.id DESC")
                .filter((statement, next) -> next.execute(statement.fetchSize(500)))
                .map(SubscriptionRepository::toSubscription).all();
    }

    /**
     * Ids the filter selects below {@code idBefore} (a snapshot's bound) after {@code afterId} in id order, a batch at
     * a time (bulk cancellation).
     */
    public Flux<String> idsAfter(String siteId, SubscriptionFilter filter, String idBefore, String afterId,
            int limit) {
        return filtered(siteId, filter, " AND s.id < :before AND (CAST(:after AS TEXT) IS NULL OR s.id > :after) "
                + "ORDER BY s.id LIMIT :limit", "s.id")
                .bind("before", idBefore).bind("after", text(afterId)).bind("limit", limit)
                .map(row -> row.get("id", String.class)).all();
    }

    public Mono<Long> count(String siteId, SubscriptionFilter filter) {
        return filtered(siteId, filter, "", "count(*) AS n").map(row -> row.get("n", Long.class)).one();
    }

    /** {@link #count(String, SubscriptionFilter)} of the ids below {@code idBefore} (a snapshot's bound). */
    public Mono<Long> count(String siteId, SubscriptionFilter filter, String idBefore) {
        return filtered(siteId, filter, " AND s.id < :before", "count(*) AS n").bind("before", idBefore)
                .map(row -> row.get("n", Long.class)).one();
    }

    /**
     * The replacements (by change of plan, id at or above {@code idBefore}: made after a snapshot was taken) whose
     * {@code replaces} chain leads to a row of the snapshot: ids below {@code idBefore}, created in the filter's
     * range, on the filter's plan (the plan the chain had at the snapshot). The filter's status applies to the
     * replacement itself (its state now, like every row of the scope). After {@code afterId}, in id order.
     */
    public Flux<String> replacementIdsAfter(String siteId, SubscriptionFilter filter, String idBefore, String afterId,
            int limit) {
        return replacements(siteId, filter, idBefore, "s.id", " AND (CAST(:after AS TEXT) IS NULL OR s.id > :after) "
                + "ORDER BY s.id LIMIT :limit")
                .bind("after", text(afterId)).bind("limit", limit)
                .map(row -> row.get("id", String.class)).all();
    }

    /** How many {@link #replacementIdsAfter} there are. */
    public Mono<Long> countReplacements(String siteId, SubscriptionFilter filter, String idBefore) {
        return replacements(siteId, filter, idBefore, "count(*) AS n", "")
                .map(row -> row.get("n", Long.class)).one();
    }

    private DatabaseClient.GenericExecuteSpec replacements(String siteId, SubscriptionFilter f, String idBefore,
            String select, String tail) {
        if (f.customerIds() != null) {
            throw new IllegalArgumentException("a snapshot's replacements take no customer filter");
        }
        return db.sql("""
                        WITH RECURSIVE lineage (id) AS (
                            SELECT s.id FROM subscriptions s
                             WHERE s.site_id = :site AND s.id < :before
                               AND (CAST(:plan AS TEXT) IS NULL OR s.plan_id = :plan)
                               AND (CAST(:createdGte AS TIMESTAMPTZ) IS NULL OR s.created_at >= :createdGte)
                               AND (CAST(:createdLt AS TIMESTAMPTZ) IS NULL OR s.created_at < :createdLt)
                               AND EXISTS (SELECT 1 FROM subscriptions r
                                            WHERE r.site_id = s.site_id AND r.replaces = s.id AND r.id >= :before)
                          UNION ALL
                            SELECT r.id FROM lineage l
                              JOIN subscriptions r ON r.site_id = :site AND r.replaces = l.id AND r.id >= :before
                        )
                        SELECT\s""" + select + """
                         FROM lineage l JOIN subscriptions s ON s.site_id = :site AND s.id = l.id
                        WHERE s.id >= :before AND (CAST(:status AS TEXT) IS NULL OR s.status = :status)""" + tail)
                .bind("site", siteId).bind("before", idBefore)
                .bind("status", text(f.status() == null ? null : f.status().wireName()))
                .bind("plan", text(f.planId()))
                .bind("createdGte", tsOrNull(f.createdGte())).bind("createdLt", tsOrNull(f.createdLt()));
    }

    private DatabaseClient.GenericExecuteSpec filtered(String siteId, SubscriptionFilter f, String tail) {
        return filtered(siteId, f, tail, COLUMNS);
    }

    /** The one implementation of {@link SubscriptionFilter} in SQL: list, export and bulk cancellation use it. */
    private DatabaseClient.GenericExecuteSpec filtered(String siteId, SubscriptionFilter f, String tail,
            String select) {
        StringBuilder sql = new StringBuilder("SELECT ").append(select)
                .append(" FROM subscriptions s WHERE s.site_id = :site");
        if (f.customerIds() != null) {
            sql.append(" AND s.customer_id = ANY(:customers)");
        }
        sql.append(" ").append("""
                AND (CAST(:status AS TEXT) IS NULL OR s.status = :status)
                AND (CAST(:plan AS TEXT) IS NULL OR s.plan_id = :plan)
                AND (CAST(:createdGte AS TIMESTAMPTZ) IS NULL OR s.created_at >= :createdGte)
                AND (CAST(:createdLt AS TIMESTAMPTZ) IS NULL OR s.created_at < :createdLt)""").append(tail);
        DatabaseClient.GenericExecuteSpec spec = db.sql(sql.toString()).bind("site", siteId)
                .bind("status", text(f.status() == null ? null : f.status().wireName()))
                .bind("plan", text(f.planId()))
                .bind("createdGte", tsOrNull(f.createdGte())).bind("createdLt", tsOrNull(f.createdLt()));
        if (f.customerIds() != null) {
            spec = spec.bind("customers", f.customerIds().toArray(String[]::new));
        }
        return spec;
    }

    static Subscription toSubscription(Readable row) {
        PlanTerms plan = new PlanTerms(row.get("plan_id", String.class), row.get("product_id", String.class),
                row.get("plan_amount", Long.class), row.get("currency", String.class),
                BillingInterval.parse(row.get("billing_interval", String.class)),
                row.get("interval_count", Integer.class), row.get("shipments_per_interval", Integer.class),
                Boolean.TRUE.equals(row.get("plan_auto_renew", Boolean.class)), row.get("plan_type", String.class),
                row.get("plan_trial_period_days", Integer.class),
                Boolean.TRUE.equals(row.get("address_required", Boolean.class)));
        Membership membership = new Membership(Membership.Type.parse(row.get("membership_type", String.class)),
                row.get("membership_id", String.class), row.get("membership_admin_id", String.class));
        return new Subscription(row.get("id", String.class), row.get("site_id", String.class),
                Boolean.TRUE.equals(row.get("livemode", Boolean.class)), row.get("customer_id", String.class), plan,
                row.get("quantity", Integer.class), CollectionMethod.parse(row.get("collection_method", String.class)),
                row.get("days_until_due", Integer.class), SubscriptionStatus.parse(row.get("status", String.class)),
                Rows.instant(row, "start_date"), Rows.instant(row, "trial_start"), Rows.instant(row, "trial_end"),
                Rows.instant(row, "billing_cycle_anchor"), row.get("period_number", Long.class),
                Rows.instant(row, "current_period_start"), Rows.instant(row, "current_period_end"),
                Boolean.TRUE.equals(row.get("auto_renew", Boolean.class)),
                Boolean.TRUE.equals(row.get("cancel_at_period_end", Boolean.class)),
                Rows.instant(row, "canceled_at"), Rows.instant(row, "ended_at"),
                Boolean.TRUE.equals(row.get("initial_period_paid", Boolean.class)),
                row.get("shipments_remaining", Integer.class),
                Boolean.TRUE.equals(row.get("shipments_undeliverable", Boolean.class)),
                Rows.instant(row, "shipments_suspended_until"), row.get("shipping_address_id", String.class),
                row.get("billing_address_id", String.class), row.get("gift_recipient_id", String.class), membership,
                row.get("replaces", String.class), renewal(row.get("scheduled_renewal", Json.class)),
                Rows.stringMap(row, "metadata"), Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"),
                pause(row));
    }

    private static PauseState pause(Readable row) {
        String resumesTo = row.get("pause_resumes_to", String.class);
        Integer year = row.get("pause_year", Integer.class);
        Integer count = row.get("pause_count", Integer.class);
        Long credit = row.get("pause_period_credit_ms", Long.class);
        return new PauseState(Rows.instant(row, "pause_start_at"), Rows.instant(row, "pause_end_at"),
                resumesTo == null ? null : SubscriptionStatus.parse(resumesTo), year == null ? 0 : year,
                count == null ? 0 : count, java.time.Duration.ofMillis(credit == null ? 0 : credit),
                Rows.instant(row, "pause_suspended_before"));
    }

    private static OffsetDateTime ts(Instant instant) {
        return Rows.timestamp(instant);
    }

    private static Parameter tsOrNull(Instant instant) {
        return Parameter.fromOrEmpty(instant == null ? null : Rows.timestamp(instant), OffsetDateTime.class);
    }

    private static Parameter renewalJson(ScheduledRenewal r) {
        Map<String, Object> map = renewalMap(r);
        return map == null ? Parameter.empty(Json.class) : Parameter.from(Json.of(JSON.writeValueAsString(map)));
    }

    private static Map<String, Object> renewalMap(ScheduledRenewal r) {
        if (r == null) {
            return null;
        }
        PlanTerms p = r.plan();
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("plan_id", p.planId());
        map.put("product_id", p.productId());
        map.put("amount", p.amount());
        map.put("currency", p.currency());
        map.put("interval", p.interval().wireName());
        map.put("interval_count", p.intervalCount());
        map.put("shipments_per_interval", p.shipmentsPerInterval());
        map.put("auto_renew", p.autoRenew());
        map.put("type", p.type());
        map.put("trial_period_days", p.trialPeriodDays());
        map.put("address_required", p.addressRequired());
        map.put("starts_at", r.startsAt().toString());
        map.put("ends_at", r.endsAt().toString());
        map.put("requested_at", r.requestedAt().toString());
        return map;
    }

    private static ScheduledRenewal renewal(Json json) {
        if (json == null) {
            return null;
        }
        JsonNode n = JSON.readTree(json.asString());
        PlanTerms p = new PlanTerms(n.get("plan_id").asString(), n.get("product_id").asString(),
                n.get("amount").asLong(), n.get("currency").asString(),
                BillingInterval.parse(n.get("interval").asString()), n.get("interval_count").asInt(),
                n.get("shipments_per_interval").asInt(), n.get("auto_renew").asBoolean(), n.get("type").asString(),
                n.get("trial_period_days").isNull() ? null : n.get("trial_period_days").asInt(),
                n.get("address_required").asBoolean());
        return new ScheduledRenewal(p, Instant.parse(n.get("starts_at").asString()),
                Instant.parse(n.get("ends_at").asString()), Instant.parse(n.get("requested_at").asString()));
    }

}
