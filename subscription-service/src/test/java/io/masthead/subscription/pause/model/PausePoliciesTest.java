package io.masthead.subscription.pause.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.subscription.subscription.model.BillingInterval;
import io.masthead.subscription.subscription.model.Lifecycle;
import io.masthead.subscription.subscription.model.Membership;
import io.masthead.subscription.subscription.model.NewSubscription;
import io.masthead.subscription.subscription.model.Outcome;
import io.masthead.subscription.subscription.model.PlanTerms;
import io.masthead.subscription.subscription.model.Rejection;
import io.masthead.subscription.subscription.model.Subscription;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pause rules and what a pause does to a subscription, without Spring, a database or a clock. */
class PausePoliciesTest {

    static final Instant T0 = Instant.parse("2026-03-10T09:00:00Z");
    static final Actor CUSTOMER = Actor.customer("cus_a");

    static PlanTerms plan(BillingInterval interval, Integer trialDays) {
        return new PlanTerms("pln_" + interval.wireName(), "prd_daily", 1_500, "usd", interval, 1, 4, true,
                "regular", trialDays, false);
    }

    static Subscription subscribed(BillingInterval interval, Instant at) {
        return new NewSubscription("cus_a", "pln_x", null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, Map.of())
                .toSubscription("sub_1", "site_1", false, plan(interval, null), Membership.REGULAR, at, null);
    }

    static Subscription monthly(Instant at) {
        return subscribed(BillingInterval.MONTH, at);
    }

    /** Pauses as the policies decide, or fails the test with the refusal. */
    static Subscription paused(Subscription s, PauseRequest request, Actor actor, Instant now) {
        PausePlan plan = PausePolicies.decide(s, request, actor, now).value();
        return s.pause(plan.start(), plan.end(), now).value();
    }

    static Subscription.Resumed resumed(Subscription s, Instant at) {
        return s.resume(at, at).value();
    }

    static Rejection refusal(Subscription s, PauseRequest request, Actor actor, Instant now) {
        Outcome<PausePlan> outcome = PausePolicies.decide(s, request, actor, now);
        assertThat(outcome.isDone()).as("refused").isFalse();
        return outcome.rejection();
    }

    static Instant at(int year, int month, int day) {
        return java.time.LocalDate.of(year, month, day).atTime(12, 0).toInstant(ZoneOffset.UTC);
    }

    // ---- OncePerCalendarYear ---------------------------------------------------------------------------------

    @Test
    void aSecondPauseInTheSameYearIsRefusedWithATextAPageCanShow() {
        Subscription s = monthly(T0);
        Subscription first = paused(s, PauseRequest.forDays(10), CUSTOMER, T0);
        Subscription back = resumed(first, T0.plus(Duration.ofDays(10))).subscription();
        assertThat(back.pause().pausesIn(2026)).isEqualTo(1);

        Rejection r = refusal(back, PauseRequest.forDays(5), CUSTOMER, T0.plus(Duration.ofDays(100)));
        assertThat(r.kind()).isEqualTo(Rejection.Kind.CONFLICT);
        assertThat(r.rule()).isEqualTo(PausePolicies.ONCE_PER_YEAR);
        assertThat(r.message()).contains("once per calendar year").contains("2026").contains("2027-01-01");
    }

    @Test
    void december31AndJanuary1AreTwoCalendarYears() {
        Instant dec31 = Instant.parse("2026-12-31T23:00:00Z");
        Subscription s = monthly(Instant.parse("2026-12-01T00:00:00Z"));
        Subscription p = paused(s, PauseRequest.until(Instant.parse("2027-01-01T00:30:00Z")), CUSTOMER, dec31);
        assertThat(p.pause().lastYear()).as("counted in the year it began").isEqualTo(2026);
        Subscription back = resumed(p, Instant.parse("2027-01-01T00:30:00Z")).subscription();

        Instant jan1 = Instant.parse("2027-01-01T01:00:00Z");
        assertThat(back.pause().pausesInYearOf(jan1)).isZero();
        Subscription again = paused(back, PauseRequest.forDays(3), CUSTOMER, jan1);
        assertThat(again.status()).isEqualTo(SubscriptionStatus.PAUSED);
        assertThat(again.pause().lastYear()).isEqualTo(2027);
        assertThat(again.pause().countInLastYear()).isEqualTo(1);
    }

    @Test
    void aLeapYearsDecember31StillCountsInThatYear() {
        Instant dec31 = Instant.parse("2028-12-31T12:00:00Z");
        Subscription s = monthly(Instant.parse("2028-12-01T00:00:00Z"));
        Subscription p = paused(s, PauseRequest.forDays(1), CUSTOMER, dec31);
        assertThat(p.pause().lastYear()).isEqualTo(2028);
        assertThat(refusal(resumed(p, dec31.plus(Duration.ofHours(2))).subscription(), PauseRequest.forDays(1),
                CUSTOMER, Instant.parse("2028-12-31T20:00:00Z")).rule()).isEqualTo(PausePolicies.ONCE_PER_YEAR);
    }

    @Test
    void anAdminOverrideIsAllowedAndRecordedWithItsReason() {
        Subscription back = resumed(paused(monthly(T0), PauseRequest.forDays(10), CUSTOMER, T0),
                T0.plus(Duration.ofDays(10))).subscription();
        Instant later = T0.plus(Duration.ofDays(50));

        PausePlan plan = PausePolicies.decide(back, PauseRequest.forDays(20)
                .overridingAnnualLimit("bereavement, agreed by support"), Actor.ADMIN, later).value();
        assertThat(plan.overrodeAnnualLimit()).isTrue();
        assertThat(plan.isOverride()).isTrue();
        assertThat(plan.trigger()).isEqualTo(PauseTrigger.ADMIN);
        assertThat(plan.reason()).isEqualTo("bereavement, agreed by support");
        Subscription second = back.pause(plan.start(), plan.end(), later).value();
        assertThat(second.pause().pausesIn(2026)).isEqualTo(2);

        PauseRecord row = PauseRecord.begun("pau_2", "site_1", "sub_1", "cus_a", back.status(), plan, later);
        assertThat(row.overrodeAnnualLimit()).isTrue();
        assertThat(row.isOverride()).isTrue();
        assertThat(row.reason()).isEqualTo("bereavement, agreed by support");
        assertThat(row.year()).isEqualTo(2026);
    }

    @Test
    void anOverrideNeedsAReasonAndIsNeverACustomers() {
        Subscription s = monthly(T0);
        Rejection noReason = refusal(s, new PauseRequest(5, null, " ", false, true), Actor.ADMIN, T0);
        assertThat(noReason.kind()).isEqualTo(Rejection.Kind.INVALID);
        assertThat(noReason.field()).isEqualTo("reason");

        assertThat(refusal(s, PauseRequest.forDays(5).overridingAnnualLimit("why not"), CUSTOMER, T0).rule())
                .isEqualTo(PausePolicies.ADMIN_ONLY);
        assertThat(refusal(s, PauseRequest.forDays(5).forced("why not"), CUSTOMER, T0).rule())
                .isEqualTo(PausePolicies.ADMIN_ONLY);
    }

    @Test
    void anOverrideAskedForButNotNeededIsNotRecordedAsOne() {
        PausePlan plan = PausePolicies.decide(monthly(T0), PauseRequest.forDays(5).overridingAnnualLimit("x"),
                Actor.ADMIN, T0).value();
        assertThat(plan.overrodeAnnualLimit()).isFalse();
    }

    // ---- AtMostNinetyDays ------------------------------------------------------------------------------------

    @Test
    void exactly90DaysIsAllowedAnd91Refused() {
        Subscription s = monthly(T0);
        PausePlan plan = PausePolicies.decide(s, PauseRequest.forDays(90), CUSTOMER, T0).value();
        assertThat(plan.end()).isEqualTo(T0.plus(Duration.ofDays(90)));
        assertThat(plan.durationDays()).isEqualTo(90);

        Rejection r = refusal(s, PauseRequest.forDays(91), CUSTOMER, T0);
        assertThat(r.kind()).isEqualTo(Rejection.Kind.INVALID);
        assertThat(r.rule()).isEqualTo(PausePolicies.AT_MOST_90_DAYS);
        assertThat(r.field()).isEqualTo("duration_days");
        assertThat(r.message()).contains("at most 90 days");
    }

    @Test
    void resumeAtExactly90DaysAheadIsAllowedAndAMillisecondMoreRefused() {
        Subscription s = monthly(T0);
        assertThat(PausePolicies.decide(s, PauseRequest.until(T0.plus(Duration.ofDays(90))), CUSTOMER, T0)
                .isDone()).isTrue();
        Rejection r = refusal(s, PauseRequest.until(T0.plus(Duration.ofDays(90)).plusMillis(1)), CUSTOMER, T0);
        assertThat(r.rule()).isEqualTo(PausePolicies.AT_MOST_90_DAYS);
        assertThat(r.field()).isEqualTo("resume_at");
    }

    @Test
    void aDurationOrAResumeTimeButNotBothNorNoneAndInTheFuture() {
        Subscription s = monthly(T0);
        assertThat(refusal(s, new PauseRequest(null, null, null, false, false), CUSTOMER, T0).field())
                .isEqualTo("duration_days");
        assertThat(refusal(s, new PauseRequest(3, T0.plusSeconds(60), null, false, false), CUSTOMER, T0)
                .field()).isEqualTo("duration_days");
        assertThat(refusal(s, PauseRequest.forDays(0), CUSTOMER, T0).rule()).isEqualTo("at_least_1_day");
        assertThat(refusal(s, PauseRequest.until(T0), CUSTOMER, T0).field()).isEqualTo("resume_at");
    }

    @Test
    void noOverrideLiftsTheNinetyDays() {
        assertThat(refusal(monthly(T0), PauseRequest.forDays(120).overridingAnnualLimit("long trip")
                .forced("long trip"), Actor.ADMIN, T0).rule()).isEqualTo(PausePolicies.AT_MOST_90_DAYS);
    }

    @Test
    void aLeapYearsFebruary29IsADayLikeAnyOther() {
        Instant feb28 = Instant.parse("2028-02-28T08:00:00Z");
        Subscription s = monthly(Instant.parse("2028-02-10T08:00:00Z"));
        Instant originalEnd = s.currentPeriodEnd();
        Subscription p = paused(s, PauseRequest.forDays(2), CUSTOMER, feb28);
        assertThat(p.pause().endAt()).isEqualTo(Instant.parse("2028-03-01T08:00:00Z"));
        assertThat(p.currentPeriodEnd()).isEqualTo(originalEnd.plus(Duration.ofDays(2)));
    }

    // ---- WhatCanBePaused -------------------------------------------------------------------------------------

    @Test
    void onlyActiveOrTrialingUnlessAnAdminForces() {
        Subscription active = monthly(T0);
        Subscription pastDue = withStatus(active, SubscriptionStatus.PAST_DUE);
        assertThat(refusal(pastDue, PauseRequest.forDays(5), CUSTOMER, T0).rule()).isEqualTo("not_pausable");
        assertThat(refusal(pastDue, PauseRequest.forDays(5), Actor.ADMIN, T0).rule()).isEqualTo("not_pausable");
        PausePlan forced = PausePolicies.decide(pastDue, PauseRequest.forDays(5).forced("card expired, agreed"),
                Actor.ADMIN, T0).value();
        assertThat(forced.forced()).isTrue();
        Subscription p = pastDue.pause(forced.start(), forced.end(), T0).value();
        assertThat(resumed(p, forced.end()).subscription().status()).as("back where it was")
                .isEqualTo(SubscriptionStatus.PAST_DUE);

        Subscription unpaid = withStatus(active, SubscriptionStatus.UNPAID);
        assertThat(refusal(unpaid, PauseRequest.forDays(5).forced("x"), Actor.ADMIN, T0).rule())
                .as("force: any state that can pause, unpaid cannot").isEqualTo("not_pausable");
    }

    @Test
    void aPausedSubscriptionIsAlreadyPaused() {
        Subscription p = paused(monthly(T0), PauseRequest.forDays(5), CUSTOMER, T0);
        assertThat(refusal(p, PauseRequest.forDays(5).overridingAnnualLimit("x").forced("x"), Actor.ADMIN, T0)
                .rule()).isEqualTo("already_paused");
    }

    @Test
    void aTrialPausesAndItsEndMovesByThePause() {
        Subscription trial = new NewSubscription("cus_a", "pln_x", null, null, null, 14, null, null, null, null,
                null, null, null, null, null, null, null, Map.of())
                .toSubscription("sub_1", "site_1", false, plan(BillingInterval.MONTH, 14), Membership.REGULAR,
                        T0, null);
        assertThat(trial.status()).isEqualTo(SubscriptionStatus.TRIALING);
        Subscription p = paused(trial, PauseRequest.forDays(10), CUSTOMER, T0.plus(Duration.ofDays(2)));
        assertThat(p.trialEnd()).isEqualTo(T0.plus(Duration.ofDays(24)));
        assertThat(Lifecycle.dueItems(p)).containsExactly(Map.entry(Lifecycle.TRIAL_END, p.trialEnd()));
        assertThat(p.trialEnded(trial.trialEnd(), T0).isDone()).isFalse();

        Subscription.Resumed back = resumed(p, T0.plus(Duration.ofDays(12)));
        assertThat(back.subscription().status()).isEqualTo(SubscriptionStatus.TRIALING);
        assertThat(back.trialNoticeDue()).as("the notice was 3 days before the old end, after the pause began")
                .isTrue();
        assertThat(back.subscription().trialEnded(T0.plus(Duration.ofDays(24)), T0).isDone()).isTrue();
    }

    // ---- ThePeriodMovesByThePause ----------------------------------------------------------------------------

    @Test
    void billingStopsThePeriodEndRenewalAndExpiryMoveByThePauseAndShipmentsAreSuspended() {
        Subscription s = monthly(T0);
        Instant originalEnd = s.currentPeriodEnd();
        Instant start = T0.plus(Duration.ofDays(5));
        Subscription p = paused(s, PauseRequest.forDays(30), CUSTOMER, start);

        assertThat(p.status()).isEqualTo(SubscriptionStatus.PAUSED);
        assertThat(p.currentPeriodEnd()).isEqualTo(originalEnd.plus(Duration.ofDays(30)));
        assertThat(p.renewsAt()).isEqualTo(originalEnd.plus(Duration.ofDays(30)));
        assertThat(p.shipmentsSuspendedUntil()).isEqualTo(start.plus(Duration.ofDays(30)));
        assertThat(p.pause().startAt()).isEqualTo(start);
        assertThat(p.pause().endAt()).isEqualTo(start.plus(Duration.ofDays(30)));
        // the renewal's item waits at the moved end, and the model refuses it while paused
        assertThat(Lifecycle.dueItems(p)).containsExactly(Map.entry(Lifecycle.PERIOD_END, p.currentPeriodEnd()));
        assertThat(p.periodEnded(originalEnd, originalEnd).rejection().rule()).isEqualTo("paused");
        assertThat(p.periodEnded(p.currentPeriodEnd(), p.currentPeriodEnd()).rejection().rule())
                .isEqualTo("paused");
        assertThat(p.changedFieldsSince(s)).contains("status", "current_period_end", "renews_at",
                "shipments_suspended_until", "pause_start_at", "pause_end_at");
    }

    @Test
    void aNonRenewingSubscriptionExpiresLaterByThePause() {
        Subscription s = monthly(T0);
        Subscription ending = s.update(new Subscription.Changes(null, false, null, false, null, null, null, false,
                null, false, null), T0).value();
        Instant expires = ending.expiresAt();
        assertThat(expires).isEqualTo(s.currentPeriodEnd());
        Subscription p = paused(ending, PauseRequest.forDays(7), CUSTOMER, T0);
        assertThat(p.expiresAt()).isEqualTo(expires.plus(Duration.ofDays(7)));
    }

    @Test
    void anAnnualPlanPausedMidCycleRenewsExactlyThePausedTimeLater() {
        Subscription annual = subscribed(BillingInterval.YEAR, T0);
        Instant originalEnd = annual.currentPeriodEnd();
        assertThat(originalEnd).isEqualTo(Instant.parse("2027-03-10T09:00:00Z"));
        Instant mid = T0.plus(Duration.ofDays(180));
        Subscription p = paused(annual, PauseRequest.forDays(60), CUSTOMER, mid);
        Subscription back = resumed(p, mid.plus(Duration.ofDays(60))).subscription();

        Instant moved = originalEnd.plus(Duration.ofDays(60));
        assertThat(back.status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(back.currentPeriodStart()).isEqualTo(T0);
        assertThat(back.currentPeriodEnd()).isEqualTo(moved);
        assertThat(back.renewsAt()).isEqualTo(moved);
        assertThat(back.shipmentsSuspendedUntil()).isNull();
        assertThat(back.periodEnded(originalEnd, originalEnd).isDone()).as("nothing at the old end").isFalse();

        Subscription.Renewed renewed = (Subscription.Renewed) back.periodEnded(moved, moved).value();
        assertThat(renewed.previous().end()).isEqualTo(moved);
        assertThat(renewed.subscription().currentPeriodStart()).isEqualTo(moved);
        assertThat(renewed.subscription().currentPeriodEnd()).isEqualTo(moved.atZone(ZoneOffset.UTC)
                .plusYears(1).toInstant());
        assertThat(renewed.subscription().billingCycleAnchor()).as("the cycle goes on from the moved end")
                .isEqualTo(moved);
    }

    @Test
    void aPauseAtTheExactPeriodBoundaryMovesTheRenewalToThePausesEnd() {
        Subscription s = monthly(T0);
        Instant boundary = s.currentPeriodEnd();
        Subscription p = paused(s, PauseRequest.forDays(30), CUSTOMER, boundary);
        Instant end = boundary.plus(Duration.ofDays(30));
        assertThat(p.currentPeriodEnd()).isEqualTo(end);
        assertThat(p.periodEnded(boundary, boundary).isDone()).isFalse();

        Subscription back = resumed(p, end).subscription();
        assertThat(back.currentPeriodEnd()).isEqualTo(end);
        Subscription.Renewed renewed = (Subscription.Renewed) back.periodEnded(end, end).value();
        assertThat(renewed.previous().start()).isEqualTo(T0);
        assertThat(renewed.subscription().currentPeriodStart()).isEqualTo(end);
    }

    @Test
    void anEarlyResumeAfterOneDayKeepsOneDay() {
        Subscription s = monthly(T0);
        Instant originalEnd = s.currentPeriodEnd();
        Subscription p = paused(s, PauseRequest.forDays(30), CUSTOMER, T0);

        Subscription.Resumed r = resumed(p, T0.plus(Duration.ofDays(1)));
        assertThat(r.daysPaused()).isEqualTo(1);
        assertThat(r.credited()).isEqualTo(Duration.ofDays(1));
        assertThat(r.subscription().currentPeriodEnd()).isEqualTo(originalEnd.plus(Duration.ofDays(1)));
        assertThat(r.subscription().status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(r.subscription().pause().isPaused()).isFalse();
        assertThat(r.subscription().pause().pausesIn(2026)).as("still this year's pause").isEqualTo(1);
        assertThat(r.subscription().shipmentsSuspendedUntil()).isNull();
    }

    @Test
    void aBegunDayCountsAsAWholeDay() {
        Subscription s = monthly(T0);
        Subscription p = paused(s, PauseRequest.forDays(30), CUSTOMER, T0);
        Subscription.Resumed r = resumed(p, T0.plus(Duration.ofDays(2)).plusSeconds(60));
        assertThat(r.daysPaused()).isEqualTo(3);
        assertThat(r.subscription().currentPeriodEnd()).isEqualTo(s.currentPeriodEnd().plus(Duration.ofDays(3)));
    }

    @Test
    void pauseAndResumeTheSameDayKeepsOneDayAndRenewsOnce() {
        Subscription s = monthly(T0);
        Instant originalEnd = s.currentPeriodEnd();
        Subscription p = paused(s, PauseRequest.forDays(30), CUSTOMER, T0);
        Subscription.Resumed r = resumed(p, T0.plus(Duration.ofHours(5)));
        Subscription back = r.subscription();
        assertThat(r.daysPaused()).isEqualTo(1);
        assertThat(back.status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(back.currentPeriodEnd()).isEqualTo(originalEnd.plus(Duration.ofDays(1)));
        assertThat(Lifecycle.dueItems(back)).containsExactly(Map.entry(Lifecycle.PERIOD_END,
                originalEnd.plus(Duration.ofDays(1))));
        Subscription.Renewed renewed = (Subscription.Renewed) back.periodEnded(back.currentPeriodEnd(),
                back.currentPeriodEnd()).value();
        assertThat(renewed.subscription().periodEnded(back.currentPeriodEnd(), back.currentPeriodEnd()).isDone())
                .as("one renewal per period").isFalse();

        // resumed the instant it was paused: nothing is kept, nothing moves
        Subscription.Resumed instant = resumed(paused(monthly(T0), PauseRequest.forDays(30), CUSTOMER, T0), T0);
        assertThat(instant.daysPaused()).isZero();
        assertThat(instant.subscription().currentPeriodEnd()).isEqualTo(originalEnd);
        assertThat(instant.subscription().pause().pausesIn(2026)).isEqualTo(1);
    }

    @Test
    void aResumeAfterThePlannedEndKeepsThePlannedPauseOnly() {
        Subscription s = monthly(T0);
        Subscription p = paused(s, PauseRequest.forDays(10), CUSTOMER, T0);
        Subscription.Resumed r = resumed(p, T0.plus(Duration.ofDays(12)));
        assertThat(r.daysPaused()).isEqualTo(10);
        assertThat(r.endedAt()).isEqualTo(T0.plus(Duration.ofDays(10)));
        assertThat(r.subscription().currentPeriodEnd()).isEqualTo(s.currentPeriodEnd().plus(Duration.ofDays(10)));
    }

    @Test
    void aRenewalAskedForAheadMovesWithThePeriod() {
        Subscription s = monthly(T0).requestRenewal(plan(BillingInterval.YEAR, null), T0).value();
        Subscription p = paused(s, PauseRequest.forDays(15), CUSTOMER, T0);
        assertThat(p.scheduledRenewal().startsAt()).isEqualTo(p.currentPeriodEnd());
        assertThat(p.scheduledRenewal().endsAt()).isEqualTo(p.currentPeriodEnd().atZone(ZoneOffset.UTC)
                .plusYears(1).toInstant());
    }

    @Test
    void onlyAPausedSubscriptionResumes() {
        assertThat(monthly(T0).resume(T0, T0).rejection().rule()).isEqualTo("not_paused");
    }

    @Test
    void aCancellationDuringAPauseClosesItKeepsTheYearsCountAndLiftsItsShipmentSuspension() {
        Subscription p = paused(monthly(T0), PauseRequest.forDays(30), CUSTOMER, T0);
        Subscription canceled = p.cancel(T0.plus(Duration.ofDays(2)), false, io.masthead.subscription.subscription
                .model.Refund.NONE).value().subscription();
        assertThat(canceled.status()).isEqualTo(SubscriptionStatus.CANCELED);
        assertThat(canceled.pause().isPaused()).isFalse();
        assertThat(canceled.pause().startAt()).isNull();
        assertThat(canceled.pause().pausesIn(2026)).isEqualTo(1);
        assertThat(canceled.shipmentsSuspendedUntil()).isNull();
        assertThat(canceled.resume(T0.plus(Duration.ofDays(30)), T0).rejection().rule()).isEqualTo("not_paused");
    }

    // ---- prorated refunds count the period as sold and the time used, not the pause ------------------------

    static final Instant JAN1 = Instant.parse("2026-01-01T00:00:00Z");

    /** Monthly at 3000 from Jan 1 (a 31-day period), paused on day 5 for 30 days. */
    static Subscription pausedOnDay5For30Days() {
        PlanTerms terms = new PlanTerms("pln_m", "prd_daily", 3_000, "usd", BillingInterval.MONTH, 1, 4, true,
                "regular", null, false);
        Subscription s = new NewSubscription("cus_a", "pln_m", null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, Map.of())
                .toSubscription("sub_1", "site_1", false, terms, Membership.REGULAR, JAN1, null);
        assertThat(Duration.between(s.currentPeriodStart(), s.currentPeriodEnd())).isEqualTo(Duration.ofDays(31));
        Instant day5 = JAN1.plus(Duration.ofDays(5));
        return s.pause(day5, day5.plus(Duration.ofDays(30)), day5).value();
    }

    static long proratedRefundAt(Subscription s, Instant at) {
        return s.cancel(at, false, io.masthead.subscription.subscription.model.Refund.PRORATED).value()
                .refundAmount();
    }

    @Test
    void aCancellationDuringThePauseRefundsTheDaysNotUsedOfThePeriodAsSold() {
        Subscription p = pausedOnDay5For30Days();
        // 5 days used of 31 (the paused day 6 is not used): 26/31 back, not the share of the stretched 61 days
        assertThat(proratedRefundAt(p, JAN1.plus(Duration.ofDays(6)))).isEqualTo(3_000L * 26 / 31);
    }

    @Test
    void aCancellationAfterTheResumeRefundsTheDaysNotUsedBeforeAndAfterThePause() {
        Subscription p = pausedOnDay5For30Days();
        Subscription back = p.resume(p.pause().endAt(), p.pause().endAt()).value().subscription();
        assertThat(back.pause().periodCredit()).isEqualTo(Duration.ofDays(30));
        // 5 days before the pause and 5 after it used: 21/31 back
        assertThat(proratedRefundAt(back, JAN1.plus(Duration.ofDays(40)))).isEqualTo(3_000L * 21 / 31);
        // an early resume keeps the days paused only: resumed on day 8 (3 days paused), canceled on day 10
        Subscription early = p.resume(JAN1.plus(Duration.ofDays(8)), JAN1.plus(Duration.ofDays(8))).value()
                .subscription();
        assertThat(early.currentPeriodEnd()).isEqualTo(JAN1.plus(Duration.ofDays(34)));
        assertThat(proratedRefundAt(early, JAN1.plus(Duration.ofDays(10)))).isEqualTo(3_000L * 24 / 31);
    }

    @Test
    void aRenewalStartsAPeriodNoPauseMoved() {
        Subscription p = pausedOnDay5For30Days();
        Subscription back = p.resume(p.pause().endAt(), p.pause().endAt()).value().subscription();
        Subscription renewed = back.periodEnded(back.currentPeriodEnd(), back.currentPeriodEnd()).value()
                .subscription();
        assertThat(renewed.pause().periodCredit()).isZero();
        Instant start = renewed.currentPeriodStart();
        long length = Duration.between(start, renewed.currentPeriodEnd()).toMillis();
        long left = length - Duration.ofDays(1).toMillis();
        assertThat(proratedRefundAt(renewed, start.plus(Duration.ofDays(1))))
                .isEqualTo(java.math.BigInteger.valueOf(3_000).multiply(java.math.BigInteger.valueOf(left))
                        .divide(java.math.BigInteger.valueOf(length)).longValue());
    }

    @Test
    void anEarlyResumeRestoresAnEarlierShipmentSuspensionThatOutlastsIt() {
        Instant day20 = T0.plus(Duration.ofDays(20));
        Subscription suspended = monthly(T0).update(new Subscription.Changes(null, false, null, false, null, null,
                day20, false, null, null, null), T0).value();
        Subscription p = paused(suspended, PauseRequest.forDays(30), CUSTOMER, T0);
        assertThat(p.shipmentsSuspendedUntil()).isEqualTo(T0.plus(Duration.ofDays(30)));
        // resumed on day 5: the day-20 suspension still lasts and comes back
        assertThat(resumed(p, T0.plus(Duration.ofDays(5))).subscription().shipmentsSuspendedUntil()).isEqualTo(day20);
        // resumed on day 25: it is over, nothing is suspended
        assertThat(resumed(p, T0.plus(Duration.ofDays(25))).subscription().shipmentsSuspendedUntil()).isNull();
    }

    /** The subscription in another status (billing's states have no request that sets them). */
    static Subscription withStatus(Subscription s, SubscriptionStatus status) {
        return new Subscription(s.id(), s.siteId(), s.livemode(), s.customerId(), s.plan(), s.quantity(),
                s.collectionMethod(), s.daysUntilDue(), status, s.startDate(), s.trialStart(), s.trialEnd(),
                s.billingCycleAnchor(), s.periodNumber(), s.currentPeriodStart(), s.currentPeriodEnd(),
                s.autoRenew(), s.cancelAtPeriodEnd(), s.canceledAt(), s.endedAt(), s.initialPeriodPaid(),
                s.shipmentsRemaining(), s.shipmentsUndeliverable(), s.shipmentsSuspendedUntil(),
                s.shippingAddressId(), s.billingAddressId(), s.giftRecipientId(), s.membership(), s.replaces(),
                s.scheduledRenewal(), s.metadata(), s.createdAt(), s.updatedAt(), s.pause());
    }
}
