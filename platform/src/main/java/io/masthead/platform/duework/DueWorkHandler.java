package io.masthead.platform.duework;

import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * Runs the due items of one kind: a bean per kind, e.g. {@code subscription.period_end}.
 *
 * <p><b>Lock order.</b> The runner's transaction holds the item's {@code due_work} row (it deleted it) when the
 * handler runs; an API path (cancel, change plan) typically locks its aggregate and then calls
 * {@link DueWork#schedule} or {@link DueWork#cancel} on the same (kind, key). So a handler locks its aggregate
 * first ({@code AggregateLock}, {@code SELECT ... FOR NO KEY UPDATE}), before any other write, and re-checks the
 * aggregate's state (it may have been cancelled or changed since the item was scheduled); it never locks a second
 * aggregate of the same kind. A deadlock or serialization failure that still happens (SQLSTATE 40P01 or 40001) rolls
 * the try back and the item runs again shortly, without counting a try.
 *
 * <p>A handler that can do many items of its kind at once (set-wise SQL) implements {@link DueWorkChunkHandler}
 * instead: it then gets chunks of items in one transaction, and takes its locks before the runner writes them.
 */
public interface DueWorkHandler {

    /** The kind this handler runs; one handler per kind in a service. */
    String kind();

    /**
     * Runs in the transaction that completes the item: its writes and outbox events commit with it or not at all.
     * An error rolls everything back and the item is tried again later (backoff), up to
     * {@code masthead.due-work.max-attempts} tries; then it is parked (state {@code failed}).
     *
     * @param siteNow the site's time when it runs (never before {@code item.dueAt()}): the time of its changes and
     *                events. The handler may schedule the next item of the same (kind, key).
     */
    Mono<Void> handle(DueItem item, Instant siteNow);
}
