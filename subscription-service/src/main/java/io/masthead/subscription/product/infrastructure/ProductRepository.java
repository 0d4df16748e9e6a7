package io.masthead.subscription.product.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;
import static io.masthead.platform.r2dbc.Rows.timestamp;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.PageRequest;
import io.masthead.subscription.product.model.Product;
import io.masthead.subscription.product.model.ProductProfile;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Products in PostgreSQL; every query is scoped to one site. The product row is the aggregate every catalog event
 * serializes on (its events and its plans' are keyed by the product id): a writer locks it first.
 */
@Repository
public class ProductRepository {

    private static final String COLUMNS = """
            id, site_id, name, description, address_required, active, statement_descriptor, image, old_provider_id,
            metadata, used_at, created_at, updated_at""";

    private final DatabaseClient db;

    public ProductRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(Product p) {
        return bind(db.sql("""
                        INSERT INTO products (id, site_id, name, description, address_required, active,
                            statement_descriptor, image, old_provider_id, metadata, created_at, updated_at)
                        VALUES (:id, :site, :name, :description, :addressRequired, :active, :statementDescriptor,
                            :image, :oldProviderId, :metadata, :createdAt, :updatedAt)"""), p)
                .bind("createdAt", timestamp(p.createdAt()))
                .fetch().rowsUpdated().then();
    }

    public Mono<Void> update(Product p) {
        return bind(db.sql("""
                        UPDATE products SET name = :name, description = :description,
                            address_required = :addressRequired, active = :active,
                            statement_descriptor = :statementDescriptor, image = :image,
                            old_provider_id = :oldProviderId, metadata = :metadata, updated_at = :updatedAt
                         WHERE site_id = :site AND id = :id"""), p)
                .fetch().rowsUpdated().then();
    }

    private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec sql, Product p) {
        ProductProfile f = p.profile();
        return sql.bind("id", p.id()).bind("site", p.siteId())
                .bind("name", f.name()).bind("description", text(f.description()))
                .bind("addressRequired", f.addressRequired()).bind("active", f.active())
                .bind("statementDescriptor", text(f.statementDescriptor())).bind("image", text(f.image()))
                .bind("oldProviderId", text(f.oldProviderId())).bind("metadata", Rows.json(f.metadata()))
                .bind("updatedAt", timestamp(p.updatedAt()));
    }

    public Mono<Product> find(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM products WHERE site_id = :site AND id = :id")
                .bind("site", siteId).bind("id", id).map(ProductRepository::toProduct).one();
    }

    /** Reads and locks the product for a change of it or of its plans, inside a transaction. */
    public Mono<Product> findForUpdate(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM products WHERE site_id = :site AND id = :id FOR NO KEY UPDATE")
                .bind("site", siteId).bind("id", id).map(ProductRepository::toProduct).one();
    }

    /** Reads and locks the product for its deletion. */
    public Mono<Product> findForDelete(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM products WHERE site_id = :site AND id = :id FOR UPDATE")
                .bind("site", siteId).bind("id", id).map(ProductRepository::toProduct).one();
    }

    public Mono<Long> delete(String siteId, String id) {
        return db.sql("DELETE FROM products WHERE site_id = :site AND id = :id")
                .bind("site", siteId).bind("id", id).fetch().rowsUpdated();
    }

    /** Newest first; {@code page.fetchSize()} rows, optionally only active or archived ones. */
    public Flux<Product> list(String siteId, Boolean active, PageRequest page) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM products
                        WHERE site_id = :site
                          AND (CAST(:cursor AS TEXT) IS NULL OR id < :cursor)
                          AND (CAST(:active AS BOOLEAN) IS NULL OR active = :active)
                        ORDER BY id DESC LIMIT :limit""")
                .bind("site", siteId).bind("cursor", text(page.startingAfter()))
                .bind("active", org.springframework.r2dbc.core.Parameter.fromOrEmpty(active, Boolean.class))
                .bind("limit", page.fetchSize())
                .map(ProductRepository::toProduct).all();
    }

    /** Every product of a site, oldest first, streamed from a server-side cursor (never all in memory). */
    public Flux<Product> stream(String siteId) {
        return db.sql("SELECT " + COLUMNS + " FROM products WHERE site_id = :site ORDER BY id")
                .filter((statement, next) -> next.execute(statement.fetchSize(500)))
                .bind("site", siteId)
                .map(ProductRepository::toProduct).all();
    }

    static Product toProduct(Readable row) {
        ProductProfile profile = new ProductProfile(row.get("name", String.class),
                row.get("description", String.class), row.get("address_required", Boolean.class),
                row.get("active", Boolean.class), row.get("statement_descriptor", String.class),
                row.get("image", String.class), row.get("old_provider_id", String.class),
                Rows.stringMap(row, "metadata"));
        return new Product(row.get("id", String.class), row.get("site_id", String.class), profile,
                Rows.instant(row, "used_at"), Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }
}
