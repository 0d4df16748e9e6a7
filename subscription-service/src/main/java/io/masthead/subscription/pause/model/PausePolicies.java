package io.masthead.subscription.pause.model;

import io.masthead.subscription.subscription.model.Outcome;
import io.masthead.subscription.subscription.model.PauseState;
import io.masthead.subscription.subscription.model.Rejection;
import io.masthead.subscription.subscription.model.Subscription;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The rules of pausing (seed 003), each named and tested on its own, then composed by {@link #decide}. A refusal is
 * a {@link Rejection} whose message a subscriber's page can show as it is: 409 for the state ("once per year"),
 * 422 for the input ("at most 90 days").
 */
public final class PausePolicies {

    /** Seed 003: "Maximum pause duration: 90 days". */
    public static final int MAX_DAYS = 90;
    public static final Duration MAX_DURATION = Duration.ofDays(MAX_DAYS);
    public static final int MAX_REASON_LENGTH = 500;

    /** The rule of {@link #overridesAreForAdmins}: answered 403, not 409/422. */
    public static final String ADMIN_ONLY = "admin_only";
    public static final String ONCE_PER_YEAR = "once_per_year";
    public static final String AT_MOST_90_DAYS = "at_most_90_days";

    private PausePolicies() {
    }

    /**
     * Everything a pause request must pass, in the order a page would explain it: who may use an override, the
     * requested length, the reason, the subscription's state, then once per calendar year.
     */
    public static Outcome<PausePlan> decide(Subscription s, PauseRequest request, Actor actor, Instant now) {
        Optional<Rejection> refused = overridesAreForAdmins(request, actor)
                .or(() -> reasonWithinLimits(request))
                .or(() -> overrideNeedsReason(request));
        if (refused.isPresent()) {
            return Outcome.refused(refused.get());
        }
        Outcome<Instant> end = atMostNinetyDays(request, now);
        if (!end.isDone()) {
            return Outcome.refused(end.rejection());
        }
        refused = onlyActiveOrTrialing(s, request.force())
                .or(() -> oncePerCalendarYear(s, now, request.overrideAnnualLimit()));
        if (refused.isPresent()) {
            return Outcome.refused(refused.get());
        }
        boolean forced = request.force() && !subscriberMayPause(s.status());
        boolean overrode = request.overrideAnnualLimit() && usedThisYear(s, now);
        return Outcome.done(new PausePlan(now, end.value(), durationDays(now, end.value()),
                PauseTrigger.of(actor), actor, forced, overrode, blankToNull(request.reason())));
    }

    /** Seed 003 "Admins can override pause/resume states"; issue 9 "Customers can never override" (403). */
    public static Optional<Rejection> overridesAreForAdmins(PauseRequest request, Actor actor) {
        if (request.usesAdminOverrides() && !actor.isAdmin()) {
            return Optional.of(Rejection.conflict(ADMIN_ONLY,
                    "force and override_annual_limit are for support staff (a secret key) only"));
        }
        return Optional.empty();
    }

    /**
     * Seed 003 "Maximum pause duration: 90 days": exactly one of {@code duration_days} (1..90) and {@code resume_at}
     * (after now, at most 90 days ahead); answers the pause's end.
     */
    public static Outcome<Instant> atMostNinetyDays(PauseRequest request, Instant now) {
        if ((request.durationDays() == null) == (request.resumeAt() == null)) {
            return Outcome.refused(Rejection.invalid("duration_required", "duration_days",
                    "give either duration_days (1 to " + MAX_DAYS + ") or resume_at, not both"));
        }
        if (request.durationDays() != null) {
            int days = request.durationDays();
            if (days > MAX_DAYS) {
                return Outcome.refused(Rejection.invalid(AT_MOST_90_DAYS, "duration_days",
                        "a pause lasts at most " + MAX_DAYS + " days"));
            }
            if (days < 1) {
                return Outcome.refused(Rejection.invalid("at_least_1_day", "duration_days",
                        "a pause lasts at least 1 day"));
            }
            return Outcome.done(now.plus(Duration.ofDays(days)));
        }
        Instant resumeAt = request.resumeAt();
        if (!resumeAt.isAfter(now)) {
            return Outcome.refused(Rejection.invalid("resume_at_in_future", "resume_at",
                    "must be in the future (now is " + now + ")"));
        }
        if (Duration.between(now, resumeAt).compareTo(MAX_DURATION) > 0) {
            return Outcome.refused(Rejection.invalid(AT_MOST_90_DAYS, "resume_at",
                    "a pause lasts at most " + MAX_DAYS + " days: resume_at must be at most "
                            + now.plus(MAX_DURATION) + ""));
        }
        return Outcome.done(resumeAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    /** An admin's override is recorded with why (issue 9: "override_annual_limit: true with a required reason"). */
    public static Optional<Rejection> overrideNeedsReason(PauseRequest request) {
        if (request.overrideAnnualLimit() && blankToNull(request.reason()) == null) {
            return Optional.of(Rejection.invalid("reason_required", "reason",
                    "is required with override_annual_limit: say why the limit is set aside"));
        }
        return Optional.empty();
    }

    static Optional<Rejection> reasonWithinLimits(PauseRequest request) {
        if (request.reason() != null && request.reason().length() > MAX_REASON_LENGTH) {
            return Optional.of(Rejection.invalid("reason_too_long", "reason",
                    "must be at most " + MAX_REASON_LENGTH + " characters"));
        }
        return Optional.empty();
    }

    /**
     * Issue 9 "only active (or trialing) subscriptions" (of every type: monthly, annual, bundles and memberships);
     * with {@code force} (an admin), any state that can become paused (past_due too).
     */
    public static Optional<Rejection> onlyActiveOrTrialing(Subscription s, boolean force) {
        if (s.status() == SubscriptionStatus.PAUSED) {
            return Optional.of(Rejection.conflict("already_paused", "the subscription is already paused until "
                    + s.pause().endAt()));
        }
        if (subscriberMayPause(s.status()) || (force && s.status().canBecome(SubscriptionStatus.PAUSED))) {
            return Optional.empty();
        }
        return Optional.of(Rejection.conflict("not_pausable", "only an active or trialing subscription can be "
                + "paused; this one is " + s.status().wireName()));
    }

    /**
     * Seed 003 "Subscribers can pause their subscription once per calendar year": the UTC year of the pause's start;
     * an admin may override it. The database holds the same rule (a unique index), so a race cannot break it.
     */
    public static Optional<Rejection> oncePerCalendarYear(Subscription s, Instant start, boolean override) {
        if (override || !usedThisYear(s, start)) {
            return Optional.empty();
        }
        int year = PauseState.yearOf(start);
        return Optional.of(onceAYear(year));
    }

    /** The refusal of a second pause in {@code year}. */
    public static Rejection onceAYear(int year) {
        return Rejection.conflict(ONCE_PER_YEAR, "a subscription can be paused once per calendar year: this one "
                + "was already paused in " + year + "; it can be paused again from " + (year + 1) + "-01-01");
    }

    /** Whether a subscriber (not only an admin's force) may pause a subscription in this state. */
    public static boolean subscriberMayPause(SubscriptionStatus status) {
        return status == SubscriptionStatus.ACTIVE || status == SubscriptionStatus.TRIALING;
    }

    private static boolean usedThisYear(Subscription s, Instant at) {
        return s.pause().pausesInYearOf(at) > 0;
    }

    /** A pause's length in days, a part of a day counting as a day. */
    public static int durationDays(Instant start, Instant end) {
        long millis = Duration.between(start, end).toMillis();
        long day = Subscription.DAY.toMillis();
        return (int) ((millis + day - 1) / day);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
