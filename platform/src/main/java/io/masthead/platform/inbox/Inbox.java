package io.masthead.platform.inbox;

import io.masthead.events.EventHeader;
import io.masthead.platform.consumer.PoisonRecordException;
import io.masthead.platform.events.EventRecords;
import io.masthead.platform.kafka.EventHeaders;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
        return transactions.transactional(work).onErrorMap(Inbox::poisonIfTheDataIsAtFault);
    }

    /**
     * {@link #process(String, UUID, Mono)} for an event whose header is known: when it is applied and the event is of
     * a test-mode site, the site's activity counter ({@link io.masthead.platform.time.SiteClocks#activity}) grows in
     * the same transaction (one UPDATE that writes nothing for a site without a clock). Live events pay nothing.
     */
    public Mono<Boolean> process(String consumer, UUID eventId, EventHeader header, Mono<?> effects) {
        List<EventHeader> headers = header == null ? List.of() : List.of(header);
        return process(consumer, eventId, Mono.defer(() -> effects.then(countActivity(testSites(headers)))));
    }

    /**
     * {@link #process(String, UUID, EventHeader, Mono)} for a consumed record: the event id from its Kafka header
     * ({@link EventHeaders#eventId}), the site from the header field of its value.
     */
    public Mono<Boolean> process(String consumer, ConsumerRecord<?, ?> record, Mono<?> effects) {
        return Mono.defer(() -> process(consumer, EventHeaders.eventId(record), EventRecords.headerOf(record.value()),
                effects));
    }

    /**
     * {@link #processAll(String, Collection, Function)} for events whose headers are known (by event id): the
     * activity counters of the test-mode sites of the events applied now grow in the same transaction.
     */
    public <T> Mono<T> processAll(String consumer, Map<UUID, EventHeader> events,
            Function<Set<UUID>, Mono<T>> effects) {
        Map<UUID, EventHeader> copy = new LinkedHashMap<>(events);
        return processAll(consumer, copy.keySet(), fresh -> effects.apply(fresh)
                .flatMap(result -> countActivity(testSites(fresh.stream().map(copy::get).toList()))
                        .thenReturn(result))
                .switchIfEmpty(Mono.defer(() -> countActivity(testSites(fresh.stream().map(copy::get).toList()))
                        .then(Mono.empty()))));
    }

    private static Set<String> testSites(Collection<EventHeader> headers) {
        Set<String> sites = new TreeSet<>();
        for (EventHeader header : headers) {
            if (header != null && !header.getLivemode()) {
                sites.add(header.getSiteId());
            }
        }
        return sites;
    }

    private Mono<Void> countActivity(Set<String> sites) {
        if (sites.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("UPDATE site_clocks SET activity = activity + 1 WHERE site_id = ANY(:sites)")
                .bind("sites", sites.toArray(String[]::new))
                .fetch().rowsUpdated().then();
    }

    /**
     * The batch form of {@link #process}, for a consumer that takes a poll's records at once: one statement
     * records every id, and {@code effects} is given those this consumer had not processed before (possibly
     * none), all in one transaction. Duplicates, within the batch or from before, change nothing.
     *
     * @return what {@code effects} returned, emitted once the transaction committed
     */
    public <T> Mono<T> processAll(String consumer, Collection<UUID> eventIds, Function<Set<UUID>, Mono<T>> effects) {
        Set<UUID> distinct = new LinkedHashSet<>(eventIds);
        Mono<T> work = Mono.defer(() -> distinct.isEmpty() ? effects.apply(Set.of()) : db.sql("""
                        INSERT INTO inbox (consumer, event_id)
                        SELECT :consumer, id FROM unnest(CAST(:ids AS uuid[])) AS id
                        ON CONFLICT DO NOTHING
                        RETURNING event_id""")
                .bind("consumer", consumer)
                .bind("ids", distinct.stream().map(UUID::toString).toArray(String[]::new))
                .map(row -> row.get("event_id", UUID.class)).all()
                .collect(HashSet<UUID>::new, Set::add)
                .flatMap(fresh -> effects.apply(Set.copyOf(fresh))));
        return transactions.transactional(work).onErrorMap(Inbox::poisonIfTheDataIsAtFault);
    }

    /**
     * A database refusal that the record's own data causes, whenever it is applied (a data exception, SQLSTATE class
     * 22; a not-null or check violation, 23502 and 23514), makes the record poison. Foreign-key and unique
     * violations (23503, 23505) and everything else can come from a race with another writer: they stay transient,
     * so the record is retried and its partition waits, instead of going to the dead-letter topic.
     */
    static Throwable poisonIfTheDataIsAtFault(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.r2dbc.spi.R2dbcException r2dbc && r2dbc.getSqlState() != null) {
                String state = r2dbc.getSqlState();
                if (state.startsWith("22") || state.equals("23502") || state.equals("23514")) {
                    return new PoisonRecordException("refused by the database (SQLSTATE " + state + ")", error);
                }
                return error;
            }
        }
        return error;
    }
}
