package io.masthead.subscription.subscription.application;

import io.masthead.platform.duework.DueItem;
import io.masthead.platform.duework.DueWorkHandler;
import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.platform.outbox.Outbox;
import io.masthead.subscription.subscription.infrastructure.SubscriptionEvents;
import io.masthead.subscription.subscription.infrastructure.SubscriptionRepository;
import io.masthead.subscription.subscription.model.Lifecycle;
import io.masthead.subscription.subscription.model.Outcome;
import io.masthead.subscription.subscription.model.Subscription;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * A subscription's life as due work: its start, the trial's end (and the notice 3 days before), each period's end.
 * Each handler runs in the transaction that completes its item; the item's due time is the logical time of the
 * change (period boundaries, ended_at), the site's time when it runs is the time of the write and the event. A
 * stale item (the subscription moved on: canceled, renewed, paused) changes nothing.
 */
@Configuration(proxyBeanMethods = false)
public class LifecycleHandlers {

    private static final Logger log = LoggerFactory.getLogger(LifecycleHandlers.class);

    private final SubscriptionRepository subscriptions;
    private final SubscriptionLifecycle lifecycle;
    private final Outbox outbox;
    private final EventHeaderFactory headers;
    private final SubscriptionService service;

    public LifecycleHandlers(SubscriptionRepository subscriptions, SubscriptionLifecycle lifecycle, Outbox outbox,
            EventHeaderFactory headers, SubscriptionService service) {
        this.subscriptions = subscriptions;
        this.lifecycle = lifecycle;
        this.outbox = outbox;
        this.headers = headers;
        this.service = service;
    }

    @Bean
    DueWorkHandler subscriptionPeriodEnd() {
        return handler(Lifecycle.PERIOD_END, (s, item, now) -> apply(s, s.periodEnded(item.dueAt(), now), item, now));
    }

    @Bean
    DueWorkHandler subscriptionTrialEnd() {
        return handler(Lifecycle.TRIAL_END, (s, item, now) -> apply(s, s.trialEnded(item.dueAt(), now), item, now));
    }

    @Bean
    DueWorkHandler subscriptionStart() {
        return handler(Lifecycle.START, (s, item, now) -> apply(s, s.started(item.dueAt(), now), item, now));
    }

    @Bean
    DueWorkHandler subscriptionTrialWillEnd() {
        return handler(Lifecycle.TRIAL_WILL_END, (s, item, now) -> {
            if (s.status() != SubscriptionStatus.TRIALING || s.trialWillEndAt() == null) {
                return Mono.empty(); // the trial ended, or never began (canceled while scheduled)
            }
            return headers.header(SubscriptionEvents.TRIAL_WILL_END, s.siteId(), s.livemode(), now)
                    .flatMap(h -> outbox.append(SubscriptionEvents.trialWillEnd(h, s)));
        });
    }

    @FunctionalInterface
    private interface Step {
        Mono<Void> run(Subscription locked, DueItem item, Instant now);
    }

    private DueWorkHandler handler(String kind, Step step) {
        return new DueWorkHandler() {
            @Override
            public String kind() {
                return kind;
            }

            @Override
            public Mono<Void> handle(DueItem item, Instant siteNow) {
                return subscriptions.find(item.siteId(), item.key())
                        // the customers of its group in id order, like every change (an admin's end cascades)
                        .flatMap(service::lockCustomersOf)
                        .then(Mono.defer(() -> subscriptions.findForUpdate(item.siteId(), item.key())))
                        .flatMap(s -> step.run(s, item, siteNow));
            }

            @Override
            public String toString() {
                return "subscription lifecycle handler " + kind;
            }
        };
    }

    private Mono<Void> apply(Subscription before, Outcome<Subscription.Step> outcome, DueItem item, Instant now) {
        if (!outcome.isDone()) {
            log.debug("Due item {} of {} changes nothing: {}", item.kind(), item.key(), outcome.rejection().message());
            return Mono.empty();
        }
        Subscription.Step step = outcome.value();
        Subscription after = step.subscription();
        Mono<Void> period = switch (step) {
            case Subscription.Renewed r -> subscriptions.insertPeriod(after, after.currentPeriod(), "renewal", now);
            case Subscription.Began b -> after.status() == SubscriptionStatus.ACTIVE
                    ? subscriptions.insertPeriod(after, after.currentPeriod(), "initial", now)
                    : subscriptions.insertPeriod(after, after.currentPeriod(), "trial", now);
            default -> Mono.empty();
        };
        boolean enteringTrial = before.status() == SubscriptionStatus.SCHEDULED
                && after.status() == SubscriptionStatus.TRIALING;
        Mono<Void> event = headers.header(eventType(step), after.siteId(), after.livemode(), now)
                .flatMap(h -> outbox.append(switch (step) {
                    case Subscription.Renewed r -> SubscriptionEvents.renewed(h, after, r.previous());
                    case Subscription.Expired e -> SubscriptionEvents.expired(h, after);
                    case Subscription.Canceled c -> SubscriptionEvents.canceled(h, after, "none", 0, null);
                    case Subscription.Began b -> SubscriptionEvents.updated(h, after, after.changedFieldsSince(before));
                }));
        // an admin's subscription that ended takes its group with it
        Mono<Void> members = step instanceof Subscription.Expired || step instanceof Subscription.Canceled
                ? service.endMembersWithAdmin(after, now) : Mono.empty();
        return subscriptions.update(after).then(period).then(lifecycle.align(after, item.kind(), enteringTrial))
                .then(event).then(members);
    }

    private static String eventType(Subscription.Step step) {
        return switch (step) {
            case Subscription.Renewed r -> SubscriptionEvents.RENEWED;
            case Subscription.Expired e -> SubscriptionEvents.EXPIRED;
            case Subscription.Canceled c -> SubscriptionEvents.CANCELED;
            case Subscription.Began b -> SubscriptionEvents.UPDATED;
        };
    }
}
