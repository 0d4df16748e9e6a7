package io.masthead.platform.duework;

import java.time.Instant;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A {@link DueWorkHandler} that runs many items of its kind at once: the runner hands it a chunk (items of one kind
 * and one site, at most {@code masthead.due-work.chunk-size}) in one transaction, so the handler can do set-wise
 * what it would otherwise do item by item (one locking read, one multi-row update, one outbox append of every
 * event).
 *
 * <p><b>The chunk's transaction.</b> As the chunk starts, the runner renews the lease of the items that still carry
 * its claim (items moved, cancelled or taken over since are left out), calls {@link #handleAll} with those (at most
 * half a lease long), then locks and completes them: if another runner took any of them meanwhile the chunk rolls
 * back; otherwise it deletes those still carrying the claim (an item the handler scheduled again, e.g. the next
 * period of the same (kind, key), was moved by that and stays), counts the site's activity once, and commits. The handler's writes and its events
 * commit with the items' completion or not at all.
 *
 * <p><b>Lock order.</b> Unlike a one-item handler, whose item row the runner locks (deletes) before it runs, a chunk
 * handler runs before the runner writes the items: so it takes its aggregates' locks first, in the same order as the
 * API paths do (the aggregate, then the rows it owns, then their due work), every aggregate of one table in one
 * statement in id order ({@code AggregateLock.lockAll}): two chunks, or a chunk and a request in that order, wait for
 * each other. Code that locks several rows in another order can still deadlock with a chunk: that costs a prompt
 * retry (below), nothing is lost.
 * It re-checks each aggregate's state after locking it (a request may have changed it since the item was
 * scheduled).
 *
 * <p><b>Failure.</b> An error rolls the whole chunk back. A lost deadlock or serialization conflict is tried again
 * shortly (no try counted), as for one item. Any other error runs the chunk's items again one by one (a chunk of
 * one each), so an item that always fails is retried and parked alone while the others complete.
 */
public interface DueWorkChunkHandler extends DueWorkHandler {

    /**
     * Runs the items of one chunk (one kind, one site and mode; at least one item), in the transaction that
     * completes them.
     *
     * @param siteNow the site's time when the chunk runs, read once for the chunk (never before any item's due
     *                time): the time of the changes and events
     */
    Mono<Void> handleAll(List<DueItem> items, Instant siteNow);

    /** One item as a chunk of one. */
    @Override
    default Mono<Void> handle(DueItem item, Instant siteNow) {
        return handleAll(List.of(item), siteNow);
    }
}
