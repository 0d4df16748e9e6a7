package io.masthead.subscription.subscription.application;

import io.masthead.platform.duework.DueWork;
import io.masthead.subscription.subscription.model.Lifecycle;
import io.masthead.subscription.subscription.model.Subscription;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps a subscription's pending due work equal to what its state calls for ({@link Lifecycle#dueItems}), inside
 * the transaction of the change: kinds the state does not call for are removed, so an ended subscription keeps
 * nothing that could renew it.
 */
@Component
public class SubscriptionLifecycle {

    private final DueWork dueWork;

    public SubscriptionLifecycle(DueWork dueWork) {
        this.dueWork = dueWork;
    }

    /**
     * @param handledKind the kind of the item being run, if this is a handler (its item is already gone)
     * @param announceTrial whether to schedule the trial_will_end notice (on entering a trial, or creation with one)
     */
    public Mono<Void> align(Subscription s, String handledKind, boolean announceTrial) {
        return align(s, handledKind, announceTrial, false);
    }

    /** {@link #align}; {@code fresh}: the subscription was just created and has no items to remove. */
    public Mono<Void> align(Subscription s, String handledKind, boolean announceTrial, boolean fresh) {
        Map<String, Instant> wanted = Lifecycle.dueItems(s);
        Flux<Void> stateItems = Flux.fromIterable(java.util.List.of(Lifecycle.START, Lifecycle.TRIAL_END,
                        Lifecycle.PERIOD_END))
                .concatMap(kind -> {
                    Instant at = wanted.get(kind);
                    if (at != null) {
                        return dueWork.schedule(s.siteId(), s.livemode(), kind, s.id(), at, null);
                    }
                    return kind.equals(handledKind) || fresh ? Mono.<Void>empty()
                            : dueWork.cancel(kind, s.id()).then();
                });
        Mono<Void> notice;
        if (!Lifecycle.needsTrialNotice(s)) {
            notice = Lifecycle.TRIAL_WILL_END.equals(handledKind) || fresh ? Mono.empty()
                    : dueWork.cancel(Lifecycle.TRIAL_WILL_END, s.id()).then();
        } else if (announceTrial) {
            notice = dueWork.schedule(s.siteId(), s.livemode(), Lifecycle.TRIAL_WILL_END, s.id(), s.trialWillEndAt(),
                    null);
        } else {
            notice = Mono.empty();
        }
        return stateItems.then(notice);
    }
}
