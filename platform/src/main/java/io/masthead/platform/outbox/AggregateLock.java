package io.masthead.platform.outbox;

import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.NoTransactionException;
import org.springframework.transaction.reactive.TransactionSynchronizationManager;
import reactor.core.publisher.Mono;

/**
 * Serializes the writes that emit events for one message key, so that the relay's order (outbox id order) is
 * their commit order.
 *
 * <p>The relay reads the outbox {@code ORDER BY id}, and ids are taken when a row is inserted, not when its
 * transaction commits: two transactions writing events of the same key can commit in the other order than
 * their ids, and a relay that reads both after they committed publishes them in id order. Per-key order on
 * Kafka is commit order only if every transaction that appends an event for a key first locks the same row
 * (the key's aggregate, e.g. the customer for every event keyed by the customer): the second waits for the
 * first to commit before it takes its outbox id. Call {@link #lock} first in the transaction, before any other
 * write of the use case and before {@link Outbox#append}; a use case that reads its aggregate {@code FOR
 * UPDATE} / {@code FOR NO KEY UPDATE} anyway (an update of the aggregate itself) needs nothing more. Always lock
 * the aggregate before the rows it owns (customer, then its address), never the other way, to avoid deadlocks.
 *
 * <p>The row is locked {@code FOR NO KEY UPDATE}: it conflicts with every other writer of the aggregate, but not
 * with the foreign-key checks of rows that reference it. Tables are those with {@code (site_id, id)} rows.
 */
public class AggregateLock {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** A table of aggregates, rows identified by {@code site_id} and {@code id}. */
    public record Table(String name) {
        public Table {
            Objects.requireNonNull(name, "name");
            if (!IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException("not a plain table name: " + name);
            }
        }
    }

    private final DatabaseClient db;

    public AggregateLock(DatabaseClient db) {
        this.db = db;
    }

    public static Table table(String name) {
        return new Table(name);
    }

    /**
     * Locks the aggregate row until the current transaction ends.
     *
     * @return whether the row exists (a row that does not exist, or is not committed yet, locks nothing)
     * @throws IllegalStateException (as the Mono's error) outside a transaction, where the lock would end with
     *         the statement and serialize nothing
     */
    public Mono<Boolean> lock(Table table, String siteId, String id) {
        Mono<Boolean> locked = db.sql("SELECT 1 AS found FROM " + table.name()
                        + " WHERE site_id = :site AND id = :id FOR NO KEY UPDATE")
                .bind("site", siteId).bind("id", id)
                .map(row -> true).one().defaultIfEmpty(false);
        return TransactionSynchronizationManager.forCurrentTransaction()
                .filter(TransactionSynchronizationManager::isActualTransactionActive)
                .onErrorResume(NoTransactionException.class, e -> Mono.empty())
                .switchIfEmpty(Mono.error(() -> new IllegalStateException(
                        "AggregateLock.lock needs a transaction: outside one the lock would serialize nothing")))
                .then(locked);
    }

    /**
     * Locks many aggregate rows of one table and site until the current transaction ends, in one statement and in
     * id order: two transactions that lock overlapping sets this way wait for each other but never deadlock, and a
     * transaction that locks one row with {@link #lock} waits like it would for another single lock. A caller that
     * locks aggregates of several tables locks them in the order one-row paths do (e.g. customers, then their
     * subscriptions).
     *
     * @return the ids of the rows that exist (and are locked now)
     * @throws IllegalStateException (as the Mono's error) outside a transaction
     */
    public Mono<Set<String>> lockAll(Table table, String siteId, Collection<String> ids) {
        Mono<Set<String>> locked = Mono.defer(() -> {
            if (ids.isEmpty()) {
                return Mono.just(Set.<String>of());
            }
            String[] distinct = new TreeSet<>(ids).toArray(String[]::new);
            return db.sql("SELECT id FROM " + table.name()
                            + " WHERE site_id = :site AND id = ANY(:ids) ORDER BY id FOR NO KEY UPDATE")
                    .bind("site", siteId).bind("ids", distinct)
                    .map(row -> row.get("id", String.class)).all()
                    .collect(Collectors.toCollection(HashSet::new))
                    .map(Set::copyOf);
        });
        return requireTransaction("lockAll").then(locked);
    }

    private static Mono<Void> requireTransaction(String method) {
        return TransactionSynchronizationManager.forCurrentTransaction()
                .filter(TransactionSynchronizationManager::isActualTransactionActive)
                .onErrorResume(NoTransactionException.class, e -> Mono.empty())
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("AggregateLock." + method
                        + " needs a transaction: outside one the lock would serialize nothing")))
                .then();
    }

    /** {@link #lock}, failing with {@code ifMissing} when the row does not exist. */
    public Mono<Void> lockExisting(Table table, String siteId, String id, Supplier<? extends Throwable> ifMissing) {
        return lock(table, siteId, id).flatMap(found -> found ? Mono.<Void>empty() : Mono.error(ifMissing.get()));
    }
}
