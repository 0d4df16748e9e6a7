package io.masthead.subscription.subscription.application;

import io.masthead.platform.duework.DueItem;
import io.masthead.platform.duework.DueWork;
import io.masthead.platform.duework.DueWorkChunkHandler;
import io.masthead.platform.duework.DueWorkHandler;
import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.platform.outbox.AggregateLock;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.outbox.OutboxMessage;
import io.masthead.subscription.subscription.infrastructure.SubscriptionEvents;
import io.masthead.subscription.subscription.infrastructure.SubscriptionRepository;
import io.masthead.subscription.subscription.model.Lifecycle;
import io.masthead.subscription.subscription.model.Outcome;
import io.masthead.subscription.subscription.model.Subscription;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Flux;
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
    private final AggregateLock locks;
    private final DueWork dueWork;
    private final SubscriptionService service;

    public LifecycleHandlers(SubscriptionRepository subscriptions, SubscriptionLifecycle lifecycle, Outbox outbox,
            AggregateLock locks, EventHeaderFactory headers, DueWork dueWork, SubscriptionService service) {
        this.locks = locks;
        this.dueWork = dueWork;
        this.subscriptions = subscriptions;
        this.lifecycle = lifecycle;
        this.outbox = outbox;
        this.headers = headers;
        this.service = service;
    }

    /** Period ends in chunks: see {@link PeriodEnds}. */
    @Bean
    DueWorkHandler subscriptionPeriodEnd() {
        return new PeriodEnds();
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

    /**
     * {@code subscription.period_end} for a chunk of subscriptions of one site, set-wise: their customers locked in
     * one statement (id order), then the subscriptions (id order), like every writer (customer, then subscription);
     * the period end decided per subscription by {@link Subscription#periodEnded} (stale items change nothing); then
     * one multi-row update, one insert of the renewal periods, one schedule of the next period ends and one outbox
     * append of every event. A subscription whose period end is due is active, past due or unpaid: such a one has
     * no start, trial end or trial notice item (every change aligns its items to its state), so there is nothing to
     * cancel, and the item of this kind is moved (renewed) or completed by the runner.
     */
    private final class PeriodEnds implements DueWorkChunkHandler {

        @Override
        public String kind() {
            return Lifecycle.PERIOD_END;
        }

        @Override
        public Mono<Void> handleAll(List<DueItem> items, Instant siteNow) {
            String siteId = items.get(0).siteId();
            Map<String, DueItem> byKey = new HashMap<>();
            items.forEach(item -> byKey.put(item.key(), item));
            return subscriptions.customersOf(siteId, byKey.keySet())
                    .flatMap(customers -> locks.lockAll(SubscriptionService.CUSTOMER, siteId, customers.values()))
                    .thenMany(Flux.defer(() -> subscriptions.findAllForUpdate(siteId, byKey.keySet())))
                    .collectList()
                    .flatMap(locked -> {
                        List<Subscription.Step> steps = new ArrayList<>();
                        List<Subscription> befores = new ArrayList<>();
                        for (Subscription before : locked) {
                            Outcome<Subscription.Step> outcome = before.periodEnded(byKey.get(before.id()).dueAt(),
                                    siteNow);
                            if (outcome.isDone()) {
                                steps.add(outcome.value());
                                befores.add(before);
                            } else {
                                log.debug("Due item {} of {} changes nothing: {}", Lifecycle.PERIOD_END, before.id(),
                                        outcome.rejection().message());
                            }
                        }
                        return write(befores, steps, siteNow);
                    });
        }

        private Mono<Void> write(List<Subscription> befores, List<Subscription.Step> steps, Instant now) {
            if (steps.isEmpty()) {
                return Mono.empty();
            }
            List<Subscription> afters = new ArrayList<>();
            List<SubscriptionRepository.PeriodEntered> periods = new ArrayList<>();
            List<DueWork.Next> next = new ArrayList<>();
            List<Subscription> realign = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                Subscription after = steps.get(i).subscription();
                afters.add(after);
                if (steps.get(i) instanceof Subscription.Renewed) {
                    periods.add(new SubscriptionRepository.PeriodEntered(after, after.currentPeriod(), "renewal"));
                }
                Map<String, Instant> wanted = Lifecycle.dueItems(after);
                boolean onlyPeriodEnd = wanted.keySet().stream().allMatch(Lifecycle.PERIOD_END::equals)
                        && !Lifecycle.needsTrialNotice(after)
                        && befores.get(i).status().renewsAtPeriodEnd();
                if (!onlyPeriodEnd) {
                    realign.add(after); // not reached by a period end today; aligned like a one-item change
                } else if (wanted.containsKey(Lifecycle.PERIOD_END)) {
                    next.add(new DueWork.Next(after.siteId(), after.livemode(), Lifecycle.PERIOD_END, after.id(),
                            wanted.get(Lifecycle.PERIOD_END), null));
                }
            }
            Mono<List<OutboxMessage>> events = Flux.fromIterable(steps)
                    .concatMap(step -> headers.header(eventType(step), step.subscription().siteId(),
                                    step.subscription().livemode(), now)
                            .map(h -> switch (step) {
                                case Subscription.Renewed r -> SubscriptionEvents.renewed(h, r.subscription(),
                                        r.previous());
                                case Subscription.Expired e -> SubscriptionEvents.expired(h, e.subscription());
                                case Subscription.Canceled c -> SubscriptionEvents.canceled(h, c.subscription(), "none",
                                        0, null);
                                case Subscription.Began b -> SubscriptionEvents.updated(h, b.subscription(),
                                        b.changedFields());
                            }))
                    .collectList();
            return subscriptions.updateAll(afters.get(0).siteId(), afters)
                    .then(subscriptions.insertPeriods(periods, now))
                    .then(dueWork.scheduleAll(next))
                    .then(Flux.fromIterable(realign)
                            .concatMap(after -> lifecycle.align(after, Lifecycle.PERIOD_END, false)).then())
                    .then(events.flatMap(outbox::appendAll))
                    // an admin's subscription that ended takes its group with it (its members' customers are locked
                    // after the chunk's: a deadlock with a request on the same group rolls the chunk back and it runs
                    // again shortly)
                    .then(Flux.fromIterable(steps)
                            .filter(step -> step instanceof Subscription.Expired || step instanceof Subscription.Canceled)
                            .concatMap(step -> service.endMembersWithAdmin(step.subscription(), now)).then());
        }
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
