package io.masthead.subscription.pause.application;

import io.masthead.platform.duework.DueWork;
import io.masthead.subscription.pause.infrastructure.PauseRepository;
import io.masthead.subscription.pause.model.Actor;
import io.masthead.subscription.pause.model.PauseTrigger;
import io.masthead.subscription.subscription.application.SubscriptionEndings;
import io.masthead.subscription.subscription.model.Subscription;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A subscription canceled during a pause is in no pause any more (the domain cleared its window): its automatic
 * resume goes, and its history row is closed at the cancellation with trigger {@code canceled}, by the system,
 * counting the days it was paused (a begun day whole, as a resume counts them). No resume event: the cancellation's
 * own event tells what happened.
 */
@Component
class PauseClosing implements SubscriptionEndings {

    private final PauseRepository pauses;
    private final DueWork dueWork;

    PauseClosing(PauseRepository pauses, DueWork dueWork) {
        this.pauses = pauses;
        this.dueWork = dueWork;
    }

    @Override
    public Mono<Void> ended(Subscription before, Subscription after, Instant now) {
        if (!before.pause().isPaused() || after.pause().isPaused()) {
            return Mono.empty();
        }
        Instant start = before.pause().startAt();
        Instant plannedEnd = before.pause().endAt();
        Instant endedAt = now.isBefore(start) ? start : now.isAfter(plannedEnd) ? plannedEnd : now;
        Duration credited = Subscription.creditedPause(Duration.between(start, endedAt),
                Duration.between(start, plannedEnd));
        long days = (credited.toMillis() + Subscription.DAY.toMillis() - 1) / Subscription.DAY.toMillis();
        return dueWork.cancel(PauseService.PAUSE_END, before.id())
                .then(pauses.open(before.siteId(), before.id()))
                .flatMap(open -> pauses.end(open.ended(endedAt, PauseTrigger.CANCELED, Actor.SYSTEM, null, days,
                        now)));
    }
}
