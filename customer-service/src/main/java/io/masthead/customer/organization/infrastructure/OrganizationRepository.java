package io.masthead.customer.organization.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;
import static io.masthead.platform.r2dbc.Rows.timestamp;

import io.masthead.customer.organization.model.Organization;
import io.masthead.customer.organization.model.OrganizationProfile;
import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.PageRequest;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Organizations in PostgreSQL; every query is scoped to one site. */
@Repository
public class OrganizationRepository {

    private static final String COLUMNS = "id, site_id, name, industry, website, metadata, created_at, updated_at";

    private final DatabaseClient db;

    public OrganizationRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(Organization o) {
        return db.sql("""
                        INSERT INTO organizations (id, site_id, name, industry, website, metadata, created_at, updated_at)
                        VALUES (:id, :site, :name, :industry, :website, :metadata, :createdAt, :updatedAt)""")
                .bind("id", o.id()).bind("site", o.siteId())
                .bind("name", o.profile().name()).bind("industry", text(o.profile().industry()))
                .bind("website", text(o.profile().website())).bind("metadata", Rows.json(o.profile().metadata()))
                .bind("createdAt", timestamp(o.createdAt())).bind("updatedAt", timestamp(o.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    public Mono<Void> update(Organization o) {
        return db.sql("""
                        UPDATE organizations SET name = :name, industry = :industry, website = :website,
                               metadata = :metadata, updated_at = :updatedAt
                         WHERE site_id = :site AND id = :id""")
                .bind("id", o.id()).bind("site", o.siteId())
                .bind("name", o.profile().name()).bind("industry", text(o.profile().industry()))
                .bind("website", text(o.profile().website())).bind("metadata", Rows.json(o.profile().metadata()))
                .bind("updatedAt", timestamp(o.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    public Mono<Organization> find(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM organizations WHERE site_id = :site AND id = :id")
                .bind("site", siteId).bind("id", id).map(OrganizationRepository::toOrganization).one();
    }

    public Mono<Organization> findForUpdate(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM organizations WHERE site_id = :site AND id = :id FOR UPDATE")
                .bind("site", siteId).bind("id", id).map(OrganizationRepository::toOrganization).one();
    }

    public Mono<Boolean> exists(String siteId, String id) {
        return db.sql("SELECT 1 FROM organizations WHERE site_id = :site AND id = :id")
                .bind("site", siteId).bind("id", id).map(row -> true).one().defaultIfEmpty(false);
    }

    public Flux<Organization> list(String siteId, PageRequest page) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM organizations
                        WHERE site_id = :site AND (CAST(:cursor AS TEXT) IS NULL OR id < :cursor)
                        ORDER BY id DESC LIMIT :limit""")
                .bind("site", siteId).bind("cursor", text(page.startingAfter())).bind("limit", page.fetchSize())
                .map(OrganizationRepository::toOrganization).all();
    }

    static Organization toOrganization(Readable row) {
        return new Organization(row.get("id", String.class), row.get("site_id", String.class),
                new OrganizationProfile(row.get("name", String.class), row.get("industry", String.class),
                        row.get("website", String.class), Rows.stringMap(row, "metadata")),
                Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }
}
