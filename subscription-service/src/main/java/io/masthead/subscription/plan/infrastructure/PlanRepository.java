package io.masthead.subscription.plan.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;
import static io.masthead.platform.r2dbc.Rows.timestamp;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.PageRequest;
import io.masthead.subscription.plan.model.Plan;
import io.masthead.subscription.plan.model.PlanTerms;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Plans in PostgreSQL; every query is scoped to one site. */
@Repository
public class PlanRepository {

    private static final String COLUMNS = """
            p.id, p.site_id, p.product_id, p.nickname, p.description, p.amount, p.currency, p.billing_interval,
            p.interval_count, p.auto_renew, p.available_online, p.shipments_per_interval, p.type,
            p.revenue_recognition_type, p.entitlements, p.trial_period_days, p.old_id, p.active, p.metadata,
            p.used_at, p.created_at, p.updated_at""";

    private final DatabaseClient db;

    public PlanRepository(DatabaseClient db) {
        this.db = db;
    }

    /** A plan with what a subscription must know of its product. */
    public record WithProduct(Plan plan, boolean productActive, boolean productAddressRequired) {
    }

    public Mono<Void> insert(Plan plan) {
        PlanTerms t = plan.terms();
        return bindTerms(db.sql("""
                        INSERT INTO plans (id, site_id, product_id, nickname, description, amount, currency,
                            billing_interval, interval_count, auto_renew, available_online, shipments_per_interval,
                            type, revenue_recognition_type, entitlements, trial_period_days, old_id, active, metadata,
                            created_at, updated_at)
                        VALUES (:id, :site, :productId, :nickname, :description, :amount, :currency, :interval,
                            :intervalCount, :autoRenew, :availableOnline, :shipments, :type, :recognition,
                            :entitlements, :trialDays, :oldId, :active, :metadata, :createdAt, :updatedAt)"""), t)
                .bind("id", plan.id()).bind("site", plan.siteId()).bind("productId", plan.productId())
                .bind("createdAt", timestamp(plan.createdAt())).bind("updatedAt", timestamp(plan.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    public Mono<Void> update(Plan plan) {
        return bindTerms(db.sql("""
                        UPDATE plans SET nickname = :nickname, description = :description, amount = :amount,
                            currency = :currency, billing_interval = :interval, interval_count = :intervalCount,
                            auto_renew = :autoRenew, available_online = :availableOnline,
                            shipments_per_interval = :shipments, type = :type, revenue_recognition_type = :recognition,
                            entitlements = :entitlements, trial_period_days = :trialDays, old_id = :oldId,
                            active = :active, metadata = :metadata, updated_at = :updatedAt
                         WHERE site_id = :site AND id = :id"""), plan.terms())
                .bind("id", plan.id()).bind("site", plan.siteId())
                .bind("updatedAt", timestamp(plan.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    private static DatabaseClient.GenericExecuteSpec bindTerms(DatabaseClient.GenericExecuteSpec sql, PlanTerms t) {
        return sql.bind("nickname", t.nickname()).bind("description", text(t.description()))
                .bind("amount", t.amount()).bind("currency", t.currency()).bind("interval", t.interval())
                .bind("intervalCount", t.intervalCount()).bind("autoRenew", t.autoRenew())
                .bind("availableOnline", t.availableOnline()).bind("shipments", t.shipmentsPerInterval())
                .bind("type", t.type()).bind("recognition", t.revenueRecognitionType())
                .bind("entitlements", t.entitlements().toArray(String[]::new))
                .bind("trialDays", Parameter.fromOrEmpty(t.trialPeriodDays(), Integer.class))
                .bind("oldId", text(t.oldId())).bind("active", t.active())
                .bind("metadata", Rows.json(t.metadata()));
    }

    public Mono<Plan> find(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM plans p WHERE p.site_id = :site AND p.id = :id")
                .bind("site", siteId).bind("id", id).map(PlanRepository::toPlan).one();
    }

    /** Reads and locks the plan for a change inside a transaction (lock its product first: see PlanService). */
    public Mono<Plan> findForUpdate(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM plans p WHERE p.site_id = :site AND p.id = :id FOR NO KEY UPDATE")
                .bind("site", siteId).bind("id", id).map(PlanRepository::toPlan).one();
    }

    /** Reads and locks the plan for its deletion. */
    public Mono<Plan> findForDelete(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM plans p WHERE p.site_id = :site AND p.id = :id FOR UPDATE")
                .bind("site", siteId).bind("id", id).map(PlanRepository::toPlan).one();
    }

    public Mono<String> productIdOf(String siteId, String id) {
        return db.sql("SELECT product_id FROM plans WHERE site_id = :site AND id = :id")
                .bind("site", siteId).bind("id", id).map(row -> row.get("product_id", String.class)).one();
    }

    public Mono<WithProduct> findWithProduct(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + """
                        , pr.active AS product_active, pr.address_required AS product_address_required
                         FROM plans p JOIN products pr ON pr.site_id = p.site_id AND pr.id = p.product_id
                        WHERE p.site_id = :site AND p.id = :id""")
                .bind("site", siteId).bind("id", id)
                .map(row -> new WithProduct(toPlan(row), Boolean.TRUE.equals(row.get("product_active", Boolean.class)),
                        Boolean.TRUE.equals(row.get("product_address_required", Boolean.class))))
                .one();
    }

    /**
     * Marks the plan and its product used, the first time only (a used row is not written, so subscriptions of
     * the same plan do not queue on it). The product before the plan, the order every catalog writer locks in.
     */
    public Mono<Void> markUsed(String siteId, String id, Instant now) {
        return db.sql("""
                        UPDATE products SET used_at = :now
                         WHERE site_id = :site AND used_at IS NULL
                           AND id = (SELECT product_id FROM plans WHERE site_id = :site AND id = :id)""")
                .bind("site", siteId).bind("id", id).bind("now", timestamp(now))
                .fetch().rowsUpdated()
                .then(db.sql("UPDATE plans SET used_at = :now WHERE site_id = :site AND id = :id AND used_at IS NULL")
                        .bind("site", siteId).bind("id", id).bind("now", timestamp(now))
                        .fetch().rowsUpdated())
                .then();
    }

    public Mono<Long> countActive(String siteId, String productId) {
        return db.sql("SELECT count(*) AS n FROM plans WHERE site_id = :site AND product_id = :product AND active")
                .bind("site", siteId).bind("product", productId)
                .map(row -> row.get("n", Long.class)).one();
    }

    /** The plans of a product, locked for their deletion with it. */
    public Flux<Plan> lockAllOfProduct(String siteId, String productId) {
        return db.sql("SELECT " + COLUMNS
                        + " FROM plans p WHERE p.site_id = :site AND p.product_id = :product ORDER BY p.id FOR UPDATE")
                .bind("site", siteId).bind("product", productId).map(PlanRepository::toPlan).all();
    }

    public Mono<Long> delete(String siteId, String id) {
        return db.sql("DELETE FROM plans WHERE site_id = :site AND id = :id")
                .bind("site", siteId).bind("id", id).fetch().rowsUpdated();
    }

    /** Newest first, optionally of one product; {@code page.fetchSize()} rows. */
    public Flux<Plan> list(String siteId, String productId, PageRequest page) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM plans p
                        WHERE p.site_id = :site
                          AND (CAST(:cursor AS TEXT) IS NULL OR p.id < :cursor)
                          AND (CAST(:product AS TEXT) IS NULL OR p.product_id = :product)
                        ORDER BY p.id DESC LIMIT :limit""")
                .bind("site", siteId).bind("cursor", text(page.startingAfter())).bind("product", text(productId))
                .bind("limit", page.fetchSize())
                .map(PlanRepository::toPlan).all();
    }

    /** Every plan of a site, oldest first, streamed from a server-side cursor (never all in memory). */
    public Flux<Plan> stream(String siteId) {
        return db.sql("SELECT " + COLUMNS + " FROM plans p WHERE p.site_id = :site ORDER BY p.id")
                .filter((statement, next) -> next.execute(statement.fetchSize(500)))
                .bind("site", siteId)
                .map(PlanRepository::toPlan).all();
    }

    static Plan toPlan(Readable row) {
        String[] entitlements = row.get("entitlements", String[].class);
        List<String> names = entitlements == null ? List.of() : Arrays.asList(entitlements);
        PlanTerms terms = new PlanTerms(row.get("nickname", String.class), row.get("description", String.class),
                row.get("amount", Long.class), row.get("currency", String.class),
                row.get("billing_interval", String.class), row.get("interval_count", Integer.class),
                row.get("auto_renew", Boolean.class), row.get("available_online", Boolean.class),
                row.get("shipments_per_interval", Integer.class), row.get("type", String.class),
                row.get("revenue_recognition_type", String.class), names, row.get("trial_period_days", Integer.class),
                row.get("old_id", String.class), row.get("active", Boolean.class), Rows.stringMap(row, "metadata"));
        OffsetDateTime usedAt = row.get("used_at", OffsetDateTime.class);
        return new Plan(row.get("id", String.class), row.get("site_id", String.class),
                row.get("product_id", String.class), terms, usedAt == null ? null : usedAt.toInstant(),
                Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }
}
