package io.masthead.subscription.pause.application;

import io.masthead.platform.duework.DueWork;
import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.platform.id.Ids;
import io.masthead.platform.outbox.AggregateLock;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.r2dbc.Conflicts;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.platform.validation.Violation;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.pause.infrastructure.PauseEvents;
import io.masthead.subscription.pause.infrastructure.PauseRepository;
import io.masthead.subscription.pause.model.Actor;
import io.masthead.subscription.pause.model.PausePlan;
import io.masthead.subscription.pause.model.PausePolicies;
import io.masthead.subscription.pause.model.PauseRecord;
import io.masthead.subscription.pause.model.PauseRequest;
import io.masthead.subscription.pause.model.PauseTrigger;
import io.masthead.subscription.subscription.application.Rejections;
import io.masthead.subscription.subscription.application.SubscriptionLifecycle;
import io.masthead.subscription.subscription.application.SubscriptionService;
import io.masthead.subscription.subscription.infrastructure.SubscriptionRepository;
import io.masthead.subscription.subscription.model.Outcome;
import io.masthead.subscription.subscription.model.Rejection;
import io.masthead.subscription.subscription.model.Subscription;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Pause and resume (seed 003), by the subscriber (a customer token, their own subscriptions only) or a secret key
 * (support tooling, with its overrides), and the automatic resume at the pause's end (due work
 * {@value #PAUSE_END}). Every change locks like every subscription change (the customer the events are keyed by,
 * then the subscription) and writes the subscription, the pause history, the due work and the event in one
 * transaction, at the site's time.
 */
@Service
public class PauseService {

    /** The due work that resumes a subscription at its pause's end; key: the subscription id. */
    public static final String PAUSE_END = "subscription.pause_end";

    private final SubscriptionRepository subscriptions;
    private final PauseRepository pauses;
    private final SubscriptionLifecycle lifecycle;
    private final DueWork dueWork;
    private final Outbox outbox;
    private final AggregateLock locks;
    private final EventHeaderFactory headers;
    private final TransactionalOperator transaction;
    private final SiteTime siteTime;
    private final Clock clock;

    public PauseService(SubscriptionRepository subscriptions, PauseRepository pauses, SubscriptionLifecycle lifecycle,
            DueWork dueWork, Outbox outbox, AggregateLock locks, EventHeaderFactory headers,
            TransactionalOperator transaction, SiteTime siteTime, Clock clock) {
        this.subscriptions = subscriptions;
        this.pauses = pauses;
        this.lifecycle = lifecycle;
        this.dueWork = dueWork;
        this.outbox = outbox;
        this.locks = locks;
        this.headers = headers;
        this.transaction = transaction;
        this.siteTime = siteTime;
        this.clock = clock;
    }

    /** Who acts: a secret key is the site's admin, a customer token one end customer. */
    public static Actor actorOf(Caller caller) {
        return caller.isAdmin() ? Actor.ADMIN : Actor.customer(caller.customerId());
    }

    /** Pauses now, as the policies allow; answers the paused subscription. */
    public Mono<Subscription> pause(Caller caller, String id, PauseRequest request) {
        return Mono.defer(() -> {
            Actor actor = actorOf(caller);
            PausePolicies.overridesAreForAdmins(request, actor).ifPresent(r -> {
                throw forbidden(r);
            });
            return locked(caller, id, (before, now) -> {
                Outcome<PausePlan> decided = PausePolicies.decide(before, request, actor, now);
                if (!decided.isDone()) {
                    return Mono.error(problem(decided.rejection()));
                }
                PausePlan plan = decided.value();
                return orError(before.pause(plan.start(), plan.end(), now)).flatMap(after -> {
                    PauseRecord record = PauseRecord.begun(Ids.next(PauseRecord.ID_PREFIX, clock), after.siteId(),
                            after.id(), after.customerId(), before.status(), plan, now);
                    return subscriptions.update(after)
                            .then(pauses.insert(record))
                            .then(lifecycle.align(after, null, false))
                            .then(dueWork.schedule(after.siteId(), after.livemode(), PAUSE_END, after.id(),
                                    plan.end(), null))
                            .then(headers.header(PauseEvents.PAUSED, after.siteId(), after.livemode(), now))
                            .flatMap(h -> outbox.append(PauseEvents.paused(h, after, record)))
                            .thenReturn(after);
                });
            });
        });
    }

    /** Resumes now (early, or an admin's force resume); answers the resumed subscription. */
    public Mono<Subscription> resume(Caller caller, String id, String reason) {
        return Mono.defer(() -> {
            if (reason != null && reason.length() > PausePolicies.MAX_REASON_LENGTH) {
                throw io.masthead.platform.validation.ValidationException.of("reason",
                        "must be at most " + PausePolicies.MAX_REASON_LENGTH + " characters");
            }
            Actor actor = actorOf(caller);
            String why = reason == null || reason.isBlank() ? null : reason.strip();
            return locked(caller, id, (before, now) -> dueWork.cancel(PAUSE_END, id)
                    .then(end(before, now, now, PauseTrigger.of(actor), actor, why, null)));
        });
    }

    /**
     * The pause's end came ({@value #PAUSE_END} due at {@code dueAt}): resumes with trigger {@code auto}, unless the
     * item is stale (not paused: resumed or canceled meanwhile, or paused again with another end). The subscription is locked.
     */
    Mono<Void> pauseEnded(Subscription locked, Instant dueAt, Instant now) {
        if (locked.status() != SubscriptionStatus.PAUSED || !locked.pause().isPaused()
                || !locked.pause().endAt().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).equals(dueAt)) {
            return Mono.empty();
        }
        return end(locked, locked.pause().endAt(), now, PauseTrigger.AUTO, Actor.SYSTEM, null, PAUSE_END).then();
    }

    private Mono<Subscription> end(Subscription before, Instant at, Instant now, PauseTrigger trigger, Actor by,
            String why, String handledKind) {
        return orError(before.resume(at, now)).flatMap(resumed -> {
            Subscription after = resumed.subscription();
            return pauses.open(before.siteId(), before.id())
                    .switchIfEmpty(Mono.error(() -> new IllegalStateException("subscription " + before.id()
                            + " is paused without a pause in its history")))
                    .flatMap(open -> {
                        PauseRecord ended = open.ended(resumed.endedAt(), trigger, by, why, resumed.daysPaused(),
                                now);
                        return subscriptions.update(after)
                                .then(pauses.end(ended))
                                .then(lifecycle.align(after, handledKind, resumed.trialNoticeDue()))
                                .then(headers.header(PauseEvents.RESUMED, after.siteId(), after.livemode(), now))
                                .flatMap(h -> outbox.append(PauseEvents.resumed(h, after, ended)))
                                .thenReturn(after);
                    });
        });
    }

    /** A subscription's pauses, newest first: an admin's, or the customer's own. */
    public Mono<ListResponse<PauseRecord>> history(Caller caller, String id, PageRequest page) {
        return Mono.defer(() -> visible(caller, id)
                .flatMap(s -> pauses.history(caller.siteId(), id, page).collectList())
                .map(rows -> ListResponse.of(rows, page, PauseRecord::id)));
    }

    /** The subscription, if the caller may see it: a customer sees their own only (another's is 404, as for GET). */
    private Mono<Subscription> visible(Caller caller, String id) {
        return subscriptions.find(caller.siteId(), id)
                .filter(s -> caller.isAdmin() || s.customerId().equals(caller.customerId()))
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("subscription", id)));
    }

    @FunctionalInterface
    private interface Change {
        Mono<Subscription> apply(Subscription before, Instant now);
    }

    /** Runs {@code change} on the subscription locked in a transaction (customer first, then the subscription). */
    private Mono<Subscription> locked(Caller caller, String id, Change change) {
        return siteTime.now(caller).flatMap(now -> {
            Mono<Subscription> work = visible(caller, id)
                    .flatMap(unlocked -> locks.lock(SubscriptionService.CUSTOMER, unlocked.siteId(),
                            unlocked.customerId()))
                    .then(Mono.defer(() -> subscriptions.findForUpdate(caller.siteId(), id)))
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("subscription", id)))
                    .flatMap(before -> change.apply(before, now));
            return Conflicts.retrying(transaction.transactional(work)).onErrorMap(PauseService::translate);
        });
    }

    /**
     * A refusal as a problem whose {@code detail} a subscriber's page can show as it is: 403 for an override by a
     * customer, 422 for the input ({@code type} names the rule, e.g. {@code at-most-90-days}, and the field is in
     * {@code errors}), 409 for the subscription's state ({@code once-per-year}, {@code already-paused}, ...).
     */
    static RuntimeException problem(Rejection r) {
        if (PausePolicies.ADMIN_ONLY.equals(r.rule())) {
            return forbidden(r);
        }
        if (r.kind() == Rejection.Kind.INVALID) {
            String field = r.field() == null ? "subscription" : r.field();
            return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, r.rule().replace('_', '-'),
                    "Invalid request", r.message(), List.of(new Violation(field, r.message())));
        }
        return Rejections.problem(r);
    }

    private static <T> Mono<T> orError(Outcome<T> outcome) {
        return outcome.isDone() ? Mono.just(outcome.value()) : Mono.error(problem(outcome.rejection()));
    }

    private static RuntimeException forbidden(Rejection r) {
        return ProblemException.forbidden(r.message());
    }

    /** The name of the check constraint a database message names, or "a check". */
    private static String checkName(String message) {
        var m = java.util.regex.Pattern.compile("check constraint \"([^\"]+)\"").matcher(message);
        return m.find() ? m.group(1) : "a check";
    }

    /** The database's side of the rules: a request that raced past the code's check still gets its problem. */
    static Throwable translate(Throwable error) {
        if (error instanceof DataIntegrityViolationException && error.getMessage() != null) {
            if (error.getMessage().contains(PauseRepository.ONCE_PER_YEAR_INDEX)) {
                return problem(Rejection.conflict(PausePolicies.ONCE_PER_YEAR, "a subscription can be "
                        + "paused once per calendar year: this one was already paused this year"));
            }
            if (error.getMessage().contains(PauseRepository.ONE_OPEN_INDEX)) {
                return problem(Rejection.conflict("already_paused", "the subscription is already paused"));
            }
            if (error.getMessage().contains(PauseRepository.AT_MOST_90_DAYS_CHECK)) {
                return problem(Rejection.invalid(PausePolicies.AT_MOST_90_DAYS, "duration_days",
                        "a pause lasts at most 90 days"));
            }
            if (error.getMessage().contains("check constraint")) {
                // any other rule of pauses the database holds: the request's fault, refused, never a 500
                return problem(Rejection.invalid("invalid_pause", "subscription",
                        "the pause breaks a rule of pauses: " + checkName(error.getMessage())));
            }
        }
        return Rejections.translate(error);
    }
}
