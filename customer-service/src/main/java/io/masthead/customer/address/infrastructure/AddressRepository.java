package io.masthead.customer.address.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;
import static io.masthead.platform.r2dbc.Rows.timestamp;

import io.masthead.customer.address.model.Address;
import io.masthead.customer.address.model.AddressDetails;
import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.PageRequest;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Addresses in PostgreSQL; every query is scoped to one site. */
@Repository
public class AddressRepository {

    private static final String COLUMNS = """
            id, site_id, customer_id, type, first_name, last_name, salutation, title, company, department, line1,
            line2, city, state, postal_code, country, phone, created_at, updated_at""";

    private final DatabaseClient db;

    public AddressRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(Address a) {
        AddressDetails d = a.details();
        return db.sql("""
                        INSERT INTO addresses (id, site_id, customer_id, type, first_name, last_name, salutation, title,
                            company, department, line1, line2, city, state, postal_code, country, phone, created_at,
                            updated_at)
                        VALUES (:id, :site, :customerId, :type, :firstName, :lastName, :salutation, :title, :company,
                            :department, :line1, :line2, :city, :state, :postalCode, :country, :phone, :createdAt,
                            :updatedAt)""")
                .bind("id", a.id()).bind("site", a.siteId()).bind("customerId", a.customerId())
                .bind("type", d.type()).bind("firstName", text(d.firstName())).bind("lastName", text(d.lastName()))
                .bind("salutation", text(d.salutation())).bind("title", text(d.title()))
                .bind("company", text(d.company())).bind("department", text(d.department()))
                .bind("line1", d.line1()).bind("line2", text(d.line2())).bind("city", text(d.city()))
                .bind("state", text(d.state())).bind("postalCode", text(d.postalCode()))
                .bind("country", d.country()).bind("phone", text(d.phone()))
                .bind("createdAt", timestamp(a.createdAt())).bind("updatedAt", timestamp(a.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    public Mono<Void> update(Address a) {
        AddressDetails d = a.details();
        return db.sql("""
                        UPDATE addresses SET first_name = :firstName, last_name = :lastName, salutation = :salutation,
                               title = :title, company = :company, department = :department, line1 = :line1,
                               line2 = :line2, city = :city, state = :state, postal_code = :postalCode,
                               country = :country, phone = :phone, updated_at = :updatedAt
                         WHERE site_id = :site AND id = :id""")
                .bind("id", a.id()).bind("site", a.siteId())
                .bind("firstName", text(d.firstName())).bind("lastName", text(d.lastName()))
                .bind("salutation", text(d.salutation())).bind("title", text(d.title()))
                .bind("company", text(d.company())).bind("department", text(d.department()))
                .bind("line1", d.line1()).bind("line2", text(d.line2())).bind("city", text(d.city()))
                .bind("state", text(d.state())).bind("postalCode", text(d.postalCode()))
                .bind("country", d.country()).bind("phone", text(d.phone()))
                .bind("updatedAt", timestamp(a.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    public Mono<Address> find(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM addresses WHERE site_id = :site AND id = :id")
                .bind("site", siteId).bind("id", id).map(AddressRepository::toAddress).one();
    }

    public Mono<Address> findForUpdate(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM addresses WHERE site_id = :site AND id = :id FOR UPDATE")
                .bind("site", siteId).bind("id", id).map(AddressRepository::toAddress).one();
    }

    public Flux<Address> listOfCustomer(String siteId, String customerId, PageRequest page) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM addresses
                        WHERE site_id = :site AND customer_id = :customerId
                          AND (CAST(:cursor AS TEXT) IS NULL OR id < :cursor)
                        ORDER BY id DESC LIMIT :limit""")
                .bind("site", siteId).bind("customerId", customerId).bind("cursor", text(page.startingAfter()))
                .bind("limit", page.fetchSize())
                .map(AddressRepository::toAddress).all();
    }

    /** Every address of a site, oldest first, streamed from a server-side cursor. */
    public Flux<Address> stream(String siteId) {
        return db.sql("SELECT " + COLUMNS + " FROM addresses WHERE site_id = :site ORDER BY id")
                .filter((statement, next) -> next.execute(statement.fetchSize(500)))
                .bind("site", siteId)
                .map(AddressRepository::toAddress).all();
    }

    static Address toAddress(Readable row) {
        AddressDetails details = new AddressDetails(row.get("type", String.class), row.get("first_name", String.class),
                row.get("last_name", String.class), row.get("salutation", String.class),
                row.get("title", String.class), row.get("company", String.class),
                row.get("department", String.class), row.get("line1", String.class), row.get("line2", String.class),
                row.get("city", String.class), row.get("state", String.class), row.get("postal_code", String.class),
                row.get("country", String.class), row.get("phone", String.class));
        return new Address(row.get("id", String.class), row.get("site_id", String.class),
                row.get("customer_id", String.class), details, Rows.instant(row, "created_at"),
                Rows.instant(row, "updated_at"));
    }
}
