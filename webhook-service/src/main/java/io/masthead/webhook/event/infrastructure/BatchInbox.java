package io.masthead.webhook.event.infrastructure;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * The platform's inbox ({@code inbox (consumer, event_id)}, see {@code io.masthead.platform.inbox.Inbox}) for a
 * batch of events at once: one statement records every id and tells which were new. Run it inside the
 * transaction that applies the new events' effects, exactly as {@code Inbox.process} does for one.
 */
@Repository
public class BatchInbox {

    private final DatabaseClient db;

    public BatchInbox(DatabaseClient db) {
        this.db = db;
    }

    /** Records {@code eventIds} for {@code consumer}; returns those not recorded before. */
    public Mono<Set<UUID>> recordNew(String consumer, List<UUID> eventIds) {
        if (eventIds.isEmpty()) {
            return Mono.just(Set.of());
        }
        return db.sql("""
                        INSERT INTO inbox (consumer, event_id)
                        SELECT :consumer, id FROM unnest(CAST(:ids AS uuid[])) AS id
                        ON CONFLICT DO NOTHING
                        RETURNING event_id""")
                .bind("consumer", consumer)
                .bind("ids", eventIds.stream().map(UUID::toString).toArray(String[]::new))
                .map(row -> row.get("event_id", UUID.class)).all()
                .collect(HashSet::new, Set::add);
    }
}
