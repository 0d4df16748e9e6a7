package io.masthead.customer.customer.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;
import static io.masthead.platform.r2dbc.Rows.timestamp;

import io.masthead.customer.customer.model.Customer;
import io.masthead.customer.customer.model.CustomerProfile;
import io.masthead.platform.outbox.AggregateLock;
import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.validation.Emails;
import io.masthead.platform.web.PageRequest;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Customers in PostgreSQL; every query is scoped to one site. */
@Repository
public class CustomerRepository {

    private static final String COLUMNS = """
            c.id, c.site_id, c.old_provider_id, c.email, c.first_name, c.last_name, c.phone, c.title, c.salutation,
            c.display_name, c.organization_id, c.metadata, c.created_at, c.updated_at""";

    private final DatabaseClient db;

    public CustomerRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(Customer c) {
        CustomerProfile p = c.profile();
        return db.sql("""
                        INSERT INTO customers (id, site_id, old_provider_id, email, email_key, first_name, last_name,
                            phone, title, salutation, display_name, organization_id, metadata, created_at, updated_at)
                        VALUES (:id, :site, :oldProviderId, :email, :emailKey, :firstName, :lastName, :phone, :title,
                            :salutation, :displayName, :organizationId, :metadata, :createdAt, :updatedAt)""")
                .bind("id", c.id()).bind("site", c.siteId())
                .bind("oldProviderId", text(p.oldProviderId())).bind("email", text(p.email()))
                .bind("emailKey", text(Emails.normalized(p.email())))
                .bind("firstName", text(p.firstName())).bind("lastName", text(p.lastName()))
                .bind("phone", text(p.phone())).bind("title", text(p.title()))
                .bind("salutation", text(p.salutation())).bind("displayName", text(p.displayName()))
                .bind("organizationId", text(p.organizationId())).bind("metadata", Rows.json(p.metadata()))
                .bind("createdAt", timestamp(c.createdAt())).bind("updatedAt", timestamp(c.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    public Mono<Void> update(Customer c) {
        CustomerProfile p = c.profile();
        return db.sql("""
                        UPDATE customers SET old_provider_id = :oldProviderId, email = :email, email_key = :emailKey,
                            first_name = :firstName,
                            last_name = :lastName, phone = :phone, title = :title, salutation = :salutation,
                            display_name = :displayName, organization_id = :organizationId, metadata = :metadata,
                            updated_at = :updatedAt
                         WHERE site_id = :site AND id = :id""")
                .bind("id", c.id()).bind("site", c.siteId())
                .bind("oldProviderId", text(p.oldProviderId())).bind("email", text(p.email()))
                .bind("emailKey", text(Emails.normalized(p.email())))
                .bind("firstName", text(p.firstName())).bind("lastName", text(p.lastName()))
                .bind("phone", text(p.phone())).bind("title", text(p.title()))
                .bind("salutation", text(p.salutation())).bind("displayName", text(p.displayName()))
                .bind("organizationId", text(p.organizationId())).bind("metadata", Rows.json(p.metadata()))
                .bind("updatedAt", timestamp(c.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    public Mono<Customer> find(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM customers c WHERE c.site_id = :site AND c.id = :id")
                .bind("site", siteId).bind("id", id).map(CustomerRepository::toCustomer).one();
    }

    /**
     * The aggregate every event keyed by a customer serializes on ({@link AggregateLock}): a use case that
     * emits such an event locks the customer first.
     */
    public static final AggregateLock.Table AGGREGATE = AggregateLock.table("customers");

    /**
     * Reads and locks the row for a read-modify-write inside a transaction (the same lock as
     * {@link AggregateLock#lock} on {@link #AGGREGATE}: every writer of the customer's events waits for it).
     */
    public Mono<Customer> findForUpdate(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS
                        + " FROM customers c WHERE c.site_id = :site AND c.id = :id FOR NO KEY UPDATE")
                .bind("site", siteId).bind("id", id).map(CustomerRepository::toCustomer).one();
    }

    public Mono<Boolean> exists(String siteId, String id) {
        return db.sql("SELECT 1 FROM customers WHERE site_id = :site AND id = :id")
                .bind("site", siteId).bind("id", id).map(row -> true).one().defaultIfEmpty(false);
    }

    /** Newest first; {@code page.fetchSize()} rows so the caller can tell whether there are more. */
    public Flux<Customer> list(String siteId, String email, PageRequest page) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM customers c
                        WHERE c.site_id = :site
                          AND (CAST(:cursor AS TEXT) IS NULL OR c.id < :cursor)
                          AND (CAST(:email AS TEXT) IS NULL OR lower(c.email) = lower(:email))
                        ORDER BY c.id DESC LIMIT :limit""")
                .bind("site", siteId).bind("cursor", text(page.startingAfter())).bind("email", text(email))
                .bind("limit", page.fetchSize())
                .map(CustomerRepository::toCustomer).all();
    }

    /**
     * Customers whose name, email, display name, phone (by digits), organization, or an address's company
     * or department contains {@code query} (case-insensitive), newest first.
     */
    public Flux<Customer> search(String siteId, String query, PageRequest page) {
        String digits = query.replaceAll("\\D", "");
        return db.sql("SELECT " + COLUMNS + """
                         FROM customers c
                        WHERE c.site_id = :site
                          AND (CAST(:cursor AS TEXT) IS NULL OR c.id < :cursor)
                          AND (c.first_name ILIKE :pattern OR c.last_name ILIKE :pattern
                               OR concat_ws(' ', c.first_name, c.last_name) ILIKE :pattern
                               OR c.email ILIKE :pattern OR c.display_name ILIKE :pattern
                               OR (length(:digits) >= 3 AND regexp_replace(c.phone, '\\D', '', 'g') LIKE :digitsPattern)
                               OR EXISTS (SELECT 1 FROM organizations o
                                           WHERE o.site_id = c.site_id AND o.id = c.organization_id
                                             AND o.name ILIKE :pattern)
                               OR EXISTS (SELECT 1 FROM addresses a
                                           WHERE a.site_id = c.site_id AND a.customer_id = c.id
                                             AND (a.company ILIKE :pattern OR a.department ILIKE :pattern)))
                        ORDER BY c.id DESC LIMIT :limit""")
                .bind("site", siteId).bind("cursor", text(page.startingAfter()))
                .bind("pattern", Rows.containsPattern(query))
                .bind("digits", digits).bind("digitsPattern", "%" + digits + "%")
                .bind("limit", page.fetchSize())
                .map(CustomerRepository::toCustomer).all();
    }

    /** Every customer of a site, oldest first, streamed from a server-side cursor (never all in memory). */
    public Flux<Customer> stream(String siteId) {
        return db.sql("SELECT " + COLUMNS + " FROM customers c WHERE c.site_id = :site ORDER BY c.id")
                .filter((statement, next) -> next.execute(statement.fetchSize(500)))
                .bind("site", siteId)
                .map(CustomerRepository::toCustomer).all();
    }

    static Customer toCustomer(Readable row) {
        CustomerProfile profile = new CustomerProfile(row.get("old_provider_id", String.class),
                row.get("email", String.class), row.get("first_name", String.class),
                row.get("last_name", String.class), row.get("phone", String.class), row.get("title", String.class),
                row.get("salutation", String.class), row.get("display_name", String.class),
                row.get("organization_id", String.class), Rows.stringMap(row, "metadata"));
        return new Customer(row.get("id", String.class), row.get("site_id", String.class), profile,
                Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }
}
