package io.masthead.gateway.site.infrastructure;

import io.masthead.gateway.site.model.Site;
import io.masthead.gateway.site.model.SiteMode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The {@code sites} table. */
@Repository
public class SiteRepository {

    private final DatabaseClient db;

    public SiteRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(Site site) {
        return db.sql("INSERT INTO sites (id, name, mode, created_at) VALUES (:id, :name, :mode, :created_at)")
                .bind("id", site.id())
                .bind("name", site.name())
                .bind("mode", site.mode().value())
                .bind("created_at", site.createdAt().atOffset(ZoneOffset.UTC))
                .then();
    }

    public Mono<Site> find(String id) {
        return db.sql("SELECT id, name, mode, created_at FROM sites WHERE id = :id")
                .bind("id", id)
                .map(row -> new Site(row.get("id", String.class), row.get("name", String.class),
                        SiteMode.parse(row.get("mode", String.class)).orElseThrow(),
                        row.get("created_at", OffsetDateTime.class).toInstant()))
                .one();
    }
}
