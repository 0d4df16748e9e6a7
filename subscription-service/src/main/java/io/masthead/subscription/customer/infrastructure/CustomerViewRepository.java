package io.masthead.subscription.customer.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;
import static io.masthead.platform.r2dbc.Rows.timestamp;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.subscription.customer.model.AddressType;
import io.masthead.subscription.customer.model.KnownAddress;
import io.masthead.subscription.customer.model.KnownCustomer;
import io.masthead.subscription.customer.model.KnownOrganization;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The customer view in PostgreSQL (V3__customer_view.sql); every query is scoped to one site. A snapshot replaces a
 * row only when it is at least as recent as the row ({@code updated_at <=}): an older snapshot arriving late (a
 * race between an HTTP answer and an event) changes nothing. Every write keeps the search columns of the
 * customers it concerns up to date, in the same statement sequence (callers run it in one transaction).
 */
@Repository
public class CustomerViewRepository {

    private static final String CUSTOMER_COLUMNS = """
            c.site_id, c.id, c.old_provider_id, c.email, c.first_name, c.last_name, c.phone, c.display_name,
            c.organization_id, c.created_at, c.updated_at""";

    private static final String ADDRESS_COLUMNS = """
            a.site_id, a.id, a.customer_id, a.type, a.first_name, a.last_name, a.company, a.department, a.line1,
            a.line2, a.city, a.state, a.postal_code, a.country, a.phone, a.created_at, a.updated_at""";

    /**
     * Recomputes {@code search_text} and {@code phone_digits} of the customers the appended condition selects: the
     * fields on separate lines (chr(10)), so that a query never matches across two of them, except first and last
     * name, which are matched together as the full name.
     */
    private static final String REINDEX = """
            UPDATE customer_view c SET
                search_text = lower(concat_ws(chr(10),
                    nullif(concat_ws(' ', c.first_name, c.last_name), ''),
                    c.email,
                    c.display_name,
                    (SELECT o.name FROM customer_view_organizations o
                      WHERE o.site_id = c.site_id AND o.id = c.organization_id),
                    (SELECT string_agg(concat_ws(chr(10), a.company, a.department), chr(10) ORDER BY a.id)
                       FROM customer_view_addresses a
                      WHERE a.site_id = c.site_id AND a.customer_id = c.id))),
                phone_digits = regexp_replace(coalesce(c.phone, ''), '[^0-9]', '', 'g')
            """;

    private final DatabaseClient db;

    public CustomerViewRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Stores the snapshot of an event unless the row is more recent. @return whether it was stored */
    public Mono<Boolean> upsertCustomer(KnownCustomer c) {
        return storeCustomer(c, true);
    }

    /**
     * Stores a snapshot read from customer-service only where the view has no row: an event may have been applied
     * since the read, with the same {@code updated_at} (a frozen test clock), and the event wins.
     */
    public Mono<Boolean> insertCustomerIfAbsent(KnownCustomer c) {
        return storeCustomer(c, false);
    }

    private Mono<Boolean> storeCustomer(KnownCustomer c, boolean replace) {
        return db.sql("""
                        INSERT INTO customer_view (site_id, id, old_provider_id, email, first_name, last_name, phone,
                            display_name, organization_id, created_at, updated_at)
                        VALUES (:site, :id, :oldProviderId, :email, :firstName, :lastName, :phone, :displayName,
                            :organizationId, :createdAt, :updatedAt)
                        ON CONFLICT (site_id, id) DO UPDATE SET
                            old_provider_id = EXCLUDED.old_provider_id, email = EXCLUDED.email,
                            first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
                            phone = EXCLUDED.phone, display_name = EXCLUDED.display_name,
                            organization_id = EXCLUDED.organization_id, created_at = EXCLUDED.created_at,
                            updated_at = EXCLUDED.updated_at
                        WHERE :replace AND customer_view.updated_at <= EXCLUDED.updated_at""")
                .bind("site", c.siteId()).bind("id", c.id()).bind("replace", replace)
                .bind("oldProviderId", text(c.oldProviderId())).bind("email", text(c.email()))
                .bind("firstName", text(c.firstName())).bind("lastName", text(c.lastName()))
                .bind("phone", text(c.phone())).bind("displayName", text(c.displayName()))
                .bind("organizationId", text(c.organizationId()))
                .bind("createdAt", timestamp(c.createdAt())).bind("updatedAt", timestamp(c.updatedAt()))
                .fetch().rowsUpdated()
                .flatMap(stored -> stored == 0 ? Mono.just(false)
                        : reindexCustomer(c.siteId(), c.id()).thenReturn(true));
    }

    /** Stores the snapshot of an event unless the row is more recent. @return whether it was stored */
    public Mono<Boolean> upsertAddress(KnownAddress a) {
        return storeAddress(a, true);
    }

    /**
     * Stores a snapshot read from customer-service only where the view has no row: an event may have been applied
     * since the read, with the same {@code updated_at} (a frozen test clock), and the event wins.
     */
    public Mono<Boolean> insertAddressIfAbsent(KnownAddress a) {
        return storeAddress(a, false);
    }

    private Mono<Boolean> storeAddress(KnownAddress a, boolean replace) {
        return db.sql("""
                        INSERT INTO customer_view_addresses (site_id, id, customer_id, type, first_name, last_name,
                            company, department, line1, line2, city, state, postal_code, country, phone, created_at,
                            updated_at)
                        VALUES (:site, :id, :customerId, :type, :firstName, :lastName, :company, :department, :line1,
                            :line2, :city, :state, :postalCode, :country, :phone, :createdAt, :updatedAt)
                        ON CONFLICT (site_id, id) DO UPDATE SET
                            customer_id = EXCLUDED.customer_id, type = EXCLUDED.type,
                            first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
                            company = EXCLUDED.company, department = EXCLUDED.department, line1 = EXCLUDED.line1,
                            line2 = EXCLUDED.line2, city = EXCLUDED.city, state = EXCLUDED.state,
                            postal_code = EXCLUDED.postal_code, country = EXCLUDED.country, phone = EXCLUDED.phone,
                            created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at
                        WHERE :replace AND customer_view_addresses.updated_at <= EXCLUDED.updated_at
                        RETURNING (SELECT o.customer_id FROM customer_view_addresses o
                                    WHERE o.site_id = :site AND o.id = :id) AS previous_customer""")
                .bind("site", a.siteId()).bind("id", a.id()).bind("replace", replace).bind("customerId", a.customerId())
                .bind("type", a.type().value())
                .bind("firstName", text(a.firstName())).bind("lastName", text(a.lastName()))
                .bind("company", text(a.company())).bind("department", text(a.department()))
                .bind("line1", text(a.line1())).bind("line2", text(a.line2())).bind("city", text(a.city()))
                .bind("state", text(a.state())).bind("postalCode", text(a.postalCode()))
                .bind("country", text(a.country())).bind("phone", text(a.phone()))
                .bind("createdAt", timestamp(a.createdAt())).bind("updatedAt", timestamp(a.updatedAt()))
                .map(row -> java.util.Optional.ofNullable(row.get("previous_customer", String.class)))
                .one()
                .flatMap(previous -> {
                    Mono<Void> reindex = reindexCustomer(a.siteId(), a.customerId());
                    if (previous.isPresent() && !previous.get().equals(a.customerId())) {
                        reindex = reindex.then(reindexCustomer(a.siteId(), previous.get()));
                    }
                    return reindex.thenReturn(true);
                })
                .defaultIfEmpty(false);
    }

    /** Stores the snapshot unless the row is more recent. @return whether it was stored */
    public Mono<Boolean> upsertOrganization(KnownOrganization o) {
        return db.sql("""
                        INSERT INTO customer_view_organizations (site_id, id, name, updated_at)
                        VALUES (:site, :id, :name, :updatedAt)
                        ON CONFLICT (site_id, id) DO UPDATE SET name = EXCLUDED.name, updated_at = EXCLUDED.updated_at
                        WHERE customer_view_organizations.updated_at <= EXCLUDED.updated_at""")
                .bind("site", o.siteId()).bind("id", o.id()).bind("name", o.name())
                .bind("updatedAt", timestamp(o.updatedAt()))
                .fetch().rowsUpdated()
                .flatMap(stored -> stored == 0 ? Mono.just(false) : db.sql(REINDEX
                                + " WHERE c.site_id = :site AND c.organization_id = :organization")
                        .bind("site", o.siteId()).bind("organization", o.id())
                        .fetch().rowsUpdated().thenReturn(true));
    }

    private Mono<Void> reindexCustomer(String siteId, String customerId) {
        return db.sql(REINDEX + " WHERE c.site_id = :site AND c.id = :id")
                .bind("site", siteId).bind("id", customerId)
                .fetch().rowsUpdated().then();
    }

    public Mono<KnownCustomer> findCustomer(String siteId, String id) {
        return db.sql("SELECT " + CUSTOMER_COLUMNS + " FROM customer_view c WHERE c.site_id = :site AND c.id = :id")
                .bind("site", siteId).bind("id", id)
                .map(CustomerViewRepository::toCustomer).one();
    }

    public Mono<KnownAddress> findAddress(String siteId, String id) {
        return db.sql("SELECT " + ADDRESS_COLUMNS
                        + " FROM customer_view_addresses a WHERE a.site_id = :site AND a.id = :id")
                .bind("site", siteId).bind("id", id)
                .map(CustomerViewRepository::toAddress).one();
    }

    /**
     * The ids of the site's customers whose name ("first last", first or last alone), email, display name,
     * organization name, or an address's company or department contains {@code query} (case-insensitive), or whose
     * phone number's digits contain the query's digits (when it has at least 3); newest customers first. The same
     * matching as customer-service's customer search.
     */
    public Flux<String> searchIds(String siteId, String query, int limit) {
        String digits = query.replaceAll("[^0-9]", "");
        return db.sql("""
                        SELECT c.id FROM customer_view c
                         WHERE c.site_id = :site
                           AND (c.search_text LIKE lower(:pattern)
                                OR (:digitCount >= 3 AND c.phone_digits LIKE :digitsPattern))
                         ORDER BY c.id DESC LIMIT :limit""")
                .bind("site", siteId).bind("pattern", Rows.containsPattern(query))
                .bind("digitCount", digits.length()).bind("digitsPattern", "%" + digits + "%")
                .bind("limit", limit)
                .map(row -> row.get("id", String.class)).all();
    }

    static KnownCustomer toCustomer(Readable row) {
        return new KnownCustomer(row.get("id", String.class), row.get("site_id", String.class),
                row.get("old_provider_id", String.class), row.get("email", String.class),
                row.get("first_name", String.class), row.get("last_name", String.class),
                row.get("phone", String.class), row.get("display_name", String.class),
                row.get("organization_id", String.class), Rows.instant(row, "created_at"),
                Rows.instant(row, "updated_at"));
    }

    static KnownAddress toAddress(Readable row) {
        return new KnownAddress(row.get("id", String.class), row.get("site_id", String.class),
                row.get("customer_id", String.class), AddressType.of(row.get("type", String.class)),
                row.get("first_name", String.class), row.get("last_name", String.class),
                row.get("company", String.class), row.get("department", String.class),
                row.get("line1", String.class), row.get("line2", String.class), row.get("city", String.class),
                row.get("state", String.class), row.get("postal_code", String.class),
                row.get("country", String.class), row.get("phone", String.class), Rows.instant(row, "created_at"),
                Rows.instant(row, "updated_at"));
    }
}
