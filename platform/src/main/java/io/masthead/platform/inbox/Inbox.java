package io.masthead.platform.inbox;

import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The idempotent-consumer inbox: an event's effects and its id are written in one transaction, so
 * an event delivered twice (a relay replay, a rebalance) is applied once. Keyed by (consumer, event id).
 */
public class Inbox {

    private final DatabaseClient db;
    private final TransactionalOperator transactions;

    public Inbox(DatabaseClient db, TransactionalOperator transactions) {
        this.db = db;
        this.transactions = transactions;
    }

    /**
     * Applies {@code effects} unless this consumer already processed {@code eventId}.
     *
     * @return true when applied now, false when it was a duplicate and skipped
     */
    public Mono<Boolean> process(String consumer, UUID eventId, Mono<?> effects) {
        Mono<Boolean> work = db.sql("INSERT INTO inbox (consumer, event_id) VALUES (:consumer, :eventId) "
                        + "ON CONFLICT DO NOTHING")
                .bind("consumer", consumer).bind("eventId", eventId)
                .fetch().rowsUpdated()
                .flatMap(inserted -> inserted == 1 ? effects.then(Mono.just(true)) : Mono.just(false));
        return transactions.transactional(work);
    }
}
