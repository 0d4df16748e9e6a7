package io.masthead.platform.clock;

import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * One service as the test clock sees it (docs/test-clocks.md). The coordinator ({@link TestClockCoordinator}) calls
 * {@link #step} in rounds until every participant is quiet and stays so, then moves on; at the target it calls
 * {@link #release}. Both are idempotent: calling them again with the same time changes nothing more.
 */
public interface ClockParticipant {

    /** A name for reports and failures, e.g. the service's name. */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * The site's time stands at {@code t} in this participant: it processes its due work of the site up to
     * {@code t}, waits (bounded) until what that caused has left it (its outbox) and what reached it has been taken
     * in (its consumers caught up), and tells how it stands.
     */
    Mono<StepReport> step(String siteId, Instant t);

    /** The site's time runs on with the wall clock from {@code t}. */
    Mono<Void> release(String siteId, Instant t);
}
