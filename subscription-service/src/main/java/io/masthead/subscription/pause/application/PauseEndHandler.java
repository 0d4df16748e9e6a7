package io.masthead.subscription.pause.application;

import io.masthead.platform.duework.DueItem;
import io.masthead.platform.duework.DueWorkHandler;
import io.masthead.platform.outbox.AggregateLock;
import io.masthead.subscription.subscription.application.SubscriptionService;
import io.masthead.subscription.subscription.infrastructure.SubscriptionRepository;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The automatic resume (seed 003 "Subscription automatically resumes at the end of the selected period"): due work
 * of kind {@value PauseService#PAUSE_END} at the pause's end, so it happens under simulated time (test clocks) too.
 * It locks the customer the events are keyed by, then the subscription, and re-checks that the subscription is still
 * in that pause (an early resume removes the item; a canceled subscription is left as it is).
 */
@Component
class PauseEndHandler implements DueWorkHandler {

    private final SubscriptionRepository subscriptions;
    private final AggregateLock locks;
    private final PauseService pauses;

    PauseEndHandler(SubscriptionRepository subscriptions, AggregateLock locks, PauseService pauses) {
        this.subscriptions = subscriptions;
        this.locks = locks;
        this.pauses = pauses;
    }

    @Override
    public String kind() {
        return PauseService.PAUSE_END;
    }

    @Override
    public Mono<Void> handle(DueItem item, Instant siteNow) {
        return subscriptions.find(item.siteId(), item.key())
                .flatMap(s -> locks.lock(SubscriptionService.CUSTOMER, s.siteId(), s.customerId()))
                .then(Mono.defer(() -> subscriptions.findForUpdate(item.siteId(), item.key())))
                .flatMap(s -> pauses.pauseEnded(s, item.dueAt(), siteNow));
    }

    @Override
    public String toString() {
        return "pause end handler";
    }
}
