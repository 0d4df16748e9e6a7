package io.masthead.platform.duework;

import java.time.Instant;
import reactor.core.publisher.Mono;

/** Runs the due items of one kind: a bean per kind, e.g. {@code subscription.period_end}. */
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
