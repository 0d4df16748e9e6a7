package io.masthead.subscription.subscription.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.masthead.platform.validation.Violation;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SubscriptionTest {

    static final Instant NOW = Instant.parse("2026-01-31T09:00:00Z");

    static PlanTerms monthly() {
        return new PlanTerms("pln_monthly", "prd_print", 1_500, "usd", BillingInterval.MONTH, 1, 4, true, "regular",
                null, false);
    }

    static PlanTerms yearly() {
        return new PlanTerms("pln_yearly", "prd_print", 12_000, "usd", BillingInterval.YEAR, 1, 12, true, "regular",
                null, false);
    }

    static PlanTerms oneTime() {
        return new PlanTerms("pln_once", "prd_print", 900, "usd", BillingInterval.MONTH, 3, 0, false, "regular",
                null, false);
    }

    static NewSubscription input(String plan) {
        return new NewSubscription("cus_a", plan, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, Map.of());
    }

    static Subscription create(NewSubscription in, PlanTerms plan, Instant now) {
        assertThat(in.validate(now).list()).isEmpty();
        assertThat(in.validate(plan, now).list()).isEmpty();
        return in.toSubscription("sub_1", "site_1", false, plan, Membership.REGULAR, now, null);
    }

    static Subscription active() {
        return create(input("pln_monthly"), monthly(), NOW);
    }

    @Test
    void aNewSubscriptionStartsActiveInItsFirstPeriodWithItsShipments() {
        Subscription s = active();
        assertThat(s.status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(s.currentPeriodStart()).isEqualTo(NOW);
        assertThat(s.currentPeriodEnd()).isEqualTo(Instant.parse("2026-02-28T09:00:00Z"));
        assertThat(s.shipmentsRemaining()).isEqualTo(4);
        assertThat(s.quantity()).isEqualTo(1);
        assertThat(s.collectionMethod()).isEqualTo(CollectionMethod.CHARGE_AUTOMATICALLY);
        assertThat(s.renewsAt()).isEqualTo(s.currentPeriodEnd());
        assertThat(s.nextInvoiceDate()).isEqualTo(s.currentPeriodEnd());
        assertThat(s.expiresAt()).isNull();
        assertThat(s.autoRenew()).isTrue();
    }

    @Test
    void renewalsFollowTheMonthEndAnchorAndAddShipmentsTimesQuantity() {
        NewSubscription in = new NewSubscription("cus_a", "pln_monthly", 3, "send_invoice", 15, null, null, null, null,
                null, null, null, null, null, null, null, null, Map.of());
        Subscription s = create(in, monthly(), NOW);
        assertThat(s.shipmentsRemaining()).isEqualTo(12);
        assertThat(s.daysUntilDue()).isEqualTo(15);
        String[] ends = {"2026-03-31T09:00:00Z", "2026-04-30T09:00:00Z", "2026-05-31T09:00:00Z"};
        for (int i = 0; i < ends.length; i++) {
            Subscription.Step step = s.periodEnded(s.currentPeriodEnd(), s.currentPeriodEnd().plusSeconds(5)).value();
            assertThat(step).isInstanceOf(Subscription.Renewed.class);
            Subscription.Renewed renewed = (Subscription.Renewed) step;
            assertThat(renewed.previous().end()).isEqualTo(s.currentPeriodEnd());
            s = renewed.subscription();
            assertThat(s.currentPeriodEnd()).isEqualTo(Instant.parse(ends[i]));
            assertThat(s.periodNumber()).isEqualTo(i + 1);
            assertThat(s.shipmentsRemaining()).isEqualTo(12 * (i + 2));
            assertThat(s.updatedAt()).isEqualTo(renewed.previous().end().plusSeconds(5));
        }
    }

    @Test
    void aPeriodRenewsOnceOnlyAStaleOrRepeatedDueTimeIsRefused() {
        Subscription s = active();
        Instant end = s.currentPeriodEnd();
        Subscription renewed = s.periodEnded(end, end).value().subscription();
        Outcome<Subscription.Step> again = renewed.periodEnded(end, end);
        assertThat(again.rejection().rule()).isEqualTo("stale_period_end");
    }

    @Test
    void withoutAutoRenewItExpiresAtPeriodEnd() {
        Subscription s = create(input("pln_once"), oneTime(), NOW);
        assertThat(s.autoRenew()).isFalse();
        assertThat(s.renewsAt()).isNull();
        assertThat(s.nextInvoiceDate()).isNull();
        assertThat(s.expiresAt()).isEqualTo(Instant.parse("2026-04-30T09:00:00Z"));
        Subscription.Step step = s.periodEnded(s.currentPeriodEnd(), s.currentPeriodEnd()).value();
        assertThat(step).isInstanceOf(Subscription.Expired.class);
        assertThat(step.subscription().status()).isEqualTo(SubscriptionStatus.EXPIRED);
        assertThat(step.subscription().endedAt()).isEqualTo(s.currentPeriodEnd());
        assertThat(step.subscription().expiresAt()).isEqualTo(s.currentPeriodEnd());
    }

    @Test
    void cancelAtPeriodEndRunsToTheEndThenCancels() {
        Subscription s = active();
        Instant at = NOW.plus(Duration.ofDays(3));
        Subscription.Cancellation c = s.cancel(at, true, Refund.NONE).value();
        Subscription canceling = c.subscription();
        assertThat(canceling.status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(canceling.cancelAtPeriodEnd()).isTrue();
        assertThat(canceling.canceledAt()).isEqualTo(at);
        assertThat(canceling.renewsAt()).isNull();
        assertThat(canceling.expiresAt()).isEqualTo(s.currentPeriodEnd());
        assertThat(Lifecycle.dueItems(canceling)).containsEntry(Lifecycle.PERIOD_END, s.currentPeriodEnd());

        Subscription.Step end = canceling.periodEnded(s.currentPeriodEnd(), s.currentPeriodEnd()).value();
        assertThat(end).isInstanceOf(Subscription.Canceled.class);
        assertThat(end.subscription().status()).isEqualTo(SubscriptionStatus.CANCELED);
        assertThat(end.subscription().endedAt()).isEqualTo(s.currentPeriodEnd());
        assertThat(Lifecycle.dueItems(end.subscription())).isEmpty();

        assertThat(canceling.cancel(at, true, Refund.NONE).rejection().rule()).isEqualTo("already_canceling");
        assertThat(s.cancel(at, true, Refund.FULL).rejection().field()).isEqualTo("refund");
    }

    @Test
    void anImmediateCancelEndsNowLeavesNoFutureWorkAndComputesTheRefund() {
        Subscription s = create(new NewSubscription("cus_a", "pln_monthly", 2, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, Map.of()), monthly(), Instant.parse("2026-04-01T00:00:00Z"));
        // April has 30 days; canceling after 6 days leaves 24/30 of 2 x 15.00
        Instant at = Instant.parse("2026-04-07T00:00:00Z");
        Subscription.Cancellation prorated = s.cancel(at, false, Refund.PRORATED).value();
        assertThat(prorated.refundAmount()).isEqualTo(2_400);
        assertThat(prorated.subscription().status()).isEqualTo(SubscriptionStatus.CANCELED);
        assertThat(prorated.subscription().endedAt()).isEqualTo(at);
        assertThat(prorated.subscription().renewsAt()).isNull();
        assertThat(prorated.subscription().nextInvoiceDate()).isNull();
        assertThat(prorated.subscription().expiresAt()).isEqualTo(at);
        assertThat(Lifecycle.dueItems(prorated.subscription())).isEmpty();
        assertThat(s.cancel(at, false, Refund.FULL).value().refundAmount()).isEqualTo(3_000);
        assertThat(s.cancel(at, false, Refund.NONE).value().refundAmount()).isZero();

        // terminal stays terminal
        Subscription canceled = prorated.subscription();
        assertThat(canceled.cancel(at, false, Refund.NONE).rejection().rule()).isEqualTo("illegal_transition");
        assertThat(canceled.requestRenewal(monthly(), at).rejection().rule()).isEqualTo("illegal_transition");
        assertThat(canceled.periodEnded(s.currentPeriodEnd(), s.currentPeriodEnd()).isDone()).isFalse();
    }

    @Test
    void proratedRefundsRoundDownAndStayWithinThePrice() {
        Period p = new Period(0, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:03Z"));
        assertThat(Refund.PRORATED.amount(100, 1, p, Instant.parse("2026-01-01T00:00:01Z"))).isEqualTo(66);
        assertThat(Refund.PRORATED.amount(100, 1, p, p.start())).isEqualTo(100);
        assertThat(Refund.PRORATED.amount(100, 1, p, p.end())).isZero();
        for (long ms = 0; ms <= 3000; ms += 7) {
            long r = Refund.PRORATED.amount(1, 1, p, p.start().plusMillis(ms));
            assertThat(r).isBetween(0L, 1L);
        }
    }

    @Test
    void aTrialComesFirstThenTheFirstPeriodAnchoredOnTheTrialEnd() {
        NewSubscription in = new NewSubscription("cus_a", "pln_monthly", null, null, null, 14, null, null, null, null,
                null, null, null, null, null, null, null, Map.of());
        Subscription s = create(in, monthly(), NOW);
        Instant trialEnd = NOW.plus(Duration.ofDays(14));
        assertThat(s.status()).isEqualTo(SubscriptionStatus.TRIALING);
        assertThat(s.trialStart()).isEqualTo(NOW);
        assertThat(s.trialEnd()).isEqualTo(trialEnd);
        assertThat(s.currentPeriodEnd()).isEqualTo(trialEnd);
        assertThat(s.shipmentsRemaining()).isZero();
        assertThat(s.renewsAt()).isEqualTo(trialEnd);
        assertThat(s.trialWillEndAt()).isEqualTo(trialEnd.minus(Duration.ofDays(3)));
        assertThat(Lifecycle.dueItems(s)).containsOnlyKeys(Lifecycle.TRIAL_END);

        Subscription.Began began = (Subscription.Began) s.trialEnded(trialEnd, trialEnd).value();
        Subscription active = began.subscription();
        assertThat(active.status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(active.currentPeriodStart()).isEqualTo(trialEnd);
        assertThat(active.currentPeriodEnd()).isEqualTo(Instant.parse("2026-03-14T09:00:00Z"));
        assertThat(active.shipmentsRemaining()).isEqualTo(4);
        assertThat(active.trialWillEndAt()).isNull();
        assertThat(Lifecycle.needsTrialNotice(active)).isFalse();
        assertThat(s.trialEnded(trialEnd.plusSeconds(1), trialEnd).rejection().rule()).isEqualTo("stale_trial_end");
        assertThat(active.trialEnded(trialEnd, trialEnd).rejection().rule()).isEqualTo("not_trialing");
    }

    @Test
    void theShortTrialNoticeComesAtTheTrialStartAndThePlansTrialIsTheDefault() {
        PlanTerms withTrial = new PlanTerms("pln_t", "prd", 100, "usd", BillingInterval.WEEK, 1, 0, true, "regular",
                2, false);
        Subscription s = create(input("pln_t"), withTrial, NOW);
        assertThat(s.trialEnd()).isEqualTo(NOW.plus(Duration.ofDays(2)));
        assertThat(s.trialWillEndAt()).isEqualTo(NOW);
        NewSubscription noTrial = new NewSubscription("cus_a", "pln_t", null, null, null, 0, null, null, null, null,
                null, null, null, null, null, null, null, Map.of());
        assertThat(create(noTrial, withTrial, NOW).status()).isEqualTo(SubscriptionStatus.ACTIVE);
    }

    @Test
    void trialingCanceledAtPeriodEndEndsAtTheTrialEnd() {
        NewSubscription in = new NewSubscription("cus_a", "pln_monthly", null, null, null, 7, null, null, true, null,
                null, null, null, null, null, null, null, Map.of());
        Subscription s = create(in, monthly(), NOW);
        assertThat(s.expiresAt()).isEqualTo(s.trialEnd());
        Subscription.Step step = s.trialEnded(s.trialEnd(), s.trialEnd()).value();
        assertThat(step).isInstanceOf(Subscription.Canceled.class);
        assertThat(step.subscription().endedAt()).isEqualTo(s.trialEnd());
    }

    @Test
    void aFutureStartDateIsScheduledAndStartsOnItsDate() {
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        NewSubscription in = new NewSubscription("cus_a", "pln_monthly", null, null, null, null, null, start, null,
                null, null, null, null, null, null, null, null, Map.of());
        Subscription s = create(in, monthly(), NOW);
        assertThat(s.status()).isEqualTo(SubscriptionStatus.SCHEDULED);
        assertThat(s.renewsAt()).isNull();
        assertThat(s.shipmentsRemaining()).isZero();
        assertThat(Lifecycle.dueItems(s)).containsExactly(Map.entry(Lifecycle.START, start));
        assertThat(s.requestRenewal(monthly(), NOW).rejection().rule()).isEqualTo("not_started");

        Subscription started = s.started(start, start).value().subscription();
        assertThat(started.status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(started.currentPeriodStart()).isEqualTo(start);
        assertThat(started.currentPeriodEnd()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(started.shipmentsRemaining()).isEqualTo(4);
        assertThat(started.started(start, start).rejection().rule()).isEqualTo("not_scheduled");

        // canceling a subscription that has not started ends it at once, even "at period end"
        assertThat(s.cancel(NOW, true, Refund.NONE).value().subscription().status())
                .isEqualTo(SubscriptionStatus.CANCELED);
    }

    @Test
    void aScheduledSubscriptionWithATrialStartsIntoItsTrial() {
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        NewSubscription in = new NewSubscription("cus_a", "pln_monthly", null, null, null, 10, null, start, null,
                null, null, null, null, null, null, null, null, Map.of());
        Subscription s = create(in, monthly(), NOW);
        assertThat(s.trialWillEndAt()).isEqualTo(Instant.parse("2026-03-08T00:00:00Z"));
        Subscription trialing = s.started(start, start).value().subscription();
        assertThat(trialing.status()).isEqualTo(SubscriptionStatus.TRIALING);
        assertThat(trialing.trialStart()).isEqualTo(start);
        assertThat(Lifecycle.dueItems(trialing)).containsExactly(
                Map.entry(Lifecycle.TRIAL_END, Instant.parse("2026-03-11T00:00:00Z")));
    }

    @Test
    void aRenewalAskedAheadStartsAtThePeriodEndOnItsPlanEvenWithoutAutoRenew() {
        Subscription s = create(input("pln_once"), oneTime(), NOW);
        Instant asked = NOW.plus(Duration.ofDays(10));
        Subscription scheduled = s.requestRenewal(yearly(), asked).value();
        ScheduledRenewal r = scheduled.scheduledRenewal();
        assertThat(r.startsAt()).isEqualTo(s.currentPeriodEnd());
        assertThat(r.endsAt()).isEqualTo(s.currentPeriodEnd().atZone(java.time.ZoneOffset.UTC).plusYears(1).toInstant());
        assertThat(scheduled.renewsAt()).isEqualTo(s.currentPeriodEnd());
        assertThat(scheduled.expiresAt()).isNull();
        assertThat(scheduled.requestRenewal(yearly(), asked).rejection().rule()).isEqualTo("renewal_already_scheduled");

        Subscription.Renewed renewed = (Subscription.Renewed) scheduled.periodEnded(s.currentPeriodEnd(),
                s.currentPeriodEnd()).value();
        Subscription next = renewed.subscription();
        assertThat(next.plan().planId()).isEqualTo("pln_yearly");
        assertThat(next.currentPeriodStart()).isEqualTo(r.startsAt());
        assertThat(next.currentPeriodEnd()).isEqualTo(r.endsAt());
        assertThat(next.billingCycleAnchor()).isEqualTo(r.startsAt());
        assertThat(next.scheduledRenewal()).isNull();
        assertThat(next.shipmentsRemaining()).isEqualTo(12);
        // the yearly term then runs out: the one-time plan's auto_renew (false) stays the subscription's
        assertThat(next.periodEnded(next.currentPeriodEnd(), next.currentPeriodEnd()).value())
                .isInstanceOf(Subscription.Expired.class);
    }

    @Test
    void aRenewalRequestOfASubscriptionSetToCancelIsRefusedAndACancelDropsTheRequest() {
        Subscription canceling = active().cancel(NOW, true, Refund.NONE).value().subscription();
        Outcome<Subscription> refused = canceling.requestRenewal(monthly(), NOW);
        assertThat(refused.isDone()).isFalse();
        assertThat(refused.rejection().kind()).isEqualTo(Rejection.Kind.CONFLICT);
        assertThat(refused.rejection().rule()).isEqualTo("canceling_at_period_end");
        assertThat(refused.rejection().message()).contains("cancel_at_period_end");

        Subscription renewing = active().requestRenewal(monthly(), NOW).value();
        Subscription canceledAgain = renewing.cancel(NOW, true, Refund.NONE).value().subscription();
        assertThat(canceledAgain.scheduledRenewal()).isNull();
        assertThat(canceledAgain.cancelAtPeriodEnd()).isTrue();
    }

    @Test
    void aRefundGivesBackOnlyAPeriodChargedHereNeverATrialOrAMigratedPaidPeriod() {
        // a trial costs nothing: a refund of it is 0, whatever kind was asked for
        NewSubscription withTrial = new NewSubscription("cus_a", "pln_monthly", null, null, null, 14, null, null, null,
                null, null, null, null, null, null, null, null, Map.of());
        Subscription trialing = create(withTrial, monthly(), NOW);
        assertThat(trialing.currentPeriodIsCharged()).isFalse();
        for (Refund kind : Refund.values()) {
            Subscription.Cancellation c = trialing.cancel(NOW.plus(Duration.ofDays(2)), false, kind).value();
            assertThat(c.refundAmount()).as(kind.wireName()).isZero();
            assertThat(c.refund()).isEqualTo(kind);
        }
        // a migrated period (next_invoice_date) was paid to the system it came from, never charged here
        Instant started = Instant.parse("2025-11-30T00:00:00Z");
        NewSubscription migrated = new NewSubscription("cus_a", "pln_monthly", null, null, null, null, null, started,
                null, null, null, null, Instant.parse("2026-02-28T00:00:00Z"), null, null, null, null, Map.of());
        Subscription m = create(migrated, monthly(), NOW);
        assertThat(m.currentPeriodIsCharged()).isFalse();
        assertThat(m.cancel(NOW, false, Refund.FULL).value().refundAmount()).isZero();
        assertThat(m.cancel(NOW, false, Refund.PRORATED).value().refundAmount()).isZero();
        // its next period is charged here: a refund of it is computed
        Subscription renewed = m.periodEnded(m.currentPeriodEnd(), m.currentPeriodEnd()).value().subscription();
        assertThat(renewed.currentPeriodIsCharged()).isTrue();
        assertThat(renewed.cancel(renewed.currentPeriodStart(), false, Refund.FULL).value().refundAmount())
                .isEqualTo(1_500);
        // a trial that ended: its first billing period is charged
        Subscription afterTrial = trialing.trialEnded(trialing.trialEnd(), trialing.trialEnd()).value().subscription();
        assertThat(afterTrial.cancel(afterTrial.currentPeriodStart(), false, Refund.FULL).value().refundAmount())
                .isEqualTo(1_500);
    }

    @Test
    void aMigratedSubscriptionContinuesItsCycleAndItsNextInvoiceDateMustMatchTheCurrentPeriodEnd() {
        Instant started = Instant.parse("2025-11-30T00:00:00Z");
        Instant expectedEnd = Instant.parse("2026-02-28T00:00:00Z");
        NewSubscription ok = new NewSubscription("cus_a", "pln_monthly", null, null, null, null, null, started, null,
                null, null, null, expectedEnd, null, null, null, null, Map.of());
        Subscription s = create(ok, monthly(), NOW);
        assertThat(s.currentPeriodStart()).isEqualTo(Instant.parse("2026-01-30T00:00:00Z"));
        assertThat(s.currentPeriodEnd()).isEqualTo(expectedEnd);
        assertThat(s.nextInvoiceDate()).isEqualTo(expectedEnd);
        assertThat(s.initialPeriodPaid()).isTrue();

        NewSubscription wrong = new NewSubscription("cus_a", "pln_monthly", null, null, null, null, null, started, null,
                null, null, null, expectedEnd.plusSeconds(1), null, null, null, null, Map.of());
        assertThat(wrong.validate(monthly(), NOW).list()).extracting(Violation::field)
                .containsExactly("next_invoice_date");
    }

    /** Property: over two years of renewals next_invoice_date is always current_period_end. */
    @Test
    void nextInvoiceDateEqualsCurrentPeriodEndAtEveryRenewal() {
        for (PlanTerms plan : new PlanTerms[] {monthly(), yearly(), new PlanTerms("pln_w", "prd", 300, "usd",
                BillingInterval.WEEK, 1, 1, true, "regular", null, false)}) {
            Subscription s = create(input(plan.planId()), plan, NOW);
            while (s.currentPeriodEnd().isBefore(NOW.plus(Duration.ofDays(730)))) {
                assertThat(s.nextInvoiceDate()).isEqualTo(s.currentPeriodEnd());
                assertThat(s.renewsAt()).isEqualTo(s.currentPeriodEnd());
                s = s.periodEnded(s.currentPeriodEnd(), s.currentPeriodEnd()).value().subscription();
            }
        }
    }

    @Test
    void inputRulesNameTheirFields() {
        NewSubscription bad = new NewSubscription(null, null, 0, "cash", 10, 5, NOW.minusSeconds(1), null, null, null,
                null, null, null, null, null, "owner", null, Map.of());
        assertThat(bad.validate(NOW).list()).extracting(Violation::field).containsExactlyInAnyOrder("customer", "plan",
                "quantity", "collection_method", "days_until_due", "trial_end", "trial_end", "type");
        NewSubscription pastTrialEnd = new NewSubscription("cus_a", "pln", null, null, null, null, NOW, null, null,
                null, null, null, null, null, null, null, null, Map.of());
        assertThat(pastTrialEnd.validate(NOW).list()).extracting(Violation::message).contains("must be in the future");
        PlanTerms addressed = new PlanTerms("pln_p", "prd", 100, "usd", BillingInterval.MONTH, 1, 1, true, "regular",
                null, true);
        assertThat(input("pln_p").validate(addressed, NOW).list()).extracting(Violation::field)
                .containsExactly("shipping_address");
    }

    @Test
    void patchChangesShipmentsAndFlagsAndAnEndedSubscriptionTakesMetadataOnly() {
        Subscription s = active();
        Instant later = NOW.plusSeconds(60);
        Subscription changed = s.update(new Subscription.Changes(null, false, null, false, 9, true,
                Instant.parse("2026-03-01T00:00:00Z"), false, null, false, Map.of("k", "v")), later).value();
        assertThat(changed.shipmentsRemaining()).isEqualTo(9);
        assertThat(changed.shipmentsUndeliverable()).isTrue();
        assertThat(changed.shipmentsSuspendedUntil()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
        assertThat(changed.autoRenew()).isFalse();
        assertThat(changed.expiresAt()).isEqualTo(s.currentPeriodEnd());
        assertThat(changed.changedFieldsSince(s)).containsExactlyInAnyOrder("shipments_remaining",
                "shipments_undeliverable", "shipments_suspended_until", "auto_renew", "metadata", "renews_at",
                "expires_at", "next_invoice_date");
        assertThat(s.update(new Subscription.Changes(null, false, null, false, -1, null, null, false, null, null,
                null), later).rejection().field()).isEqualTo("shipments_remaining");

        Subscription canceled = s.cancel(NOW, false, Refund.NONE).value().subscription();
        assertThat(canceled.update(new Subscription.Changes(null, false, null, false, null, null, null, false, null,
                true, null), later).rejection().rule()).isEqualTo("illegal_transition");
        assertThat(canceled.update(new Subscription.Changes(null, false, null, false, null, null, null, false, null,
                null, Map.of("note", "x")), later).value().metadata()).containsEntry("note", "x");
    }

    @Test
    void theStateMachineGuardsEveryMoveTheModelMakes() {
        Subscription.Draft d = active().draft(NOW);
        assertThatThrownBy(() -> d.become(SubscriptionStatus.SCHEDULED)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void giftRules() {
        assertThat(GiftRules.check("cus_a", "cus_b", "pln_1", null)).isEmpty();
        assertThat(GiftRules.check("cus_a", "cus_b", "pln_1", "pln_1")).isEmpty();
        assertThat(GiftRules.check("cus_a", "cus_a", "pln_1", null)).get().extracting(Rejection::rule)
                .isEqualTo("gift_to_oneself");
        assertThat(GiftRules.check("cus_a", "cus_b", "pln_1", "pln_2")).get().extracting(Rejection::field)
                .isEqualTo("gift.plan");
        assertThat(GiftRules.check("cus_a", null, "pln_1", null)).get().extracting(Rejection::field)
                .isEqualTo("gift.recipient");
    }

    @Test
    void membershipRules() {
        PlanTerms group = new PlanTerms("pln_g", "prd", 100, "usd", BillingInterval.YEAR, 1, 0, true, "membership",
                null, false);
        var liveAdmin = Optional.of(new MembershipRules.GroupAdmin("sub_admin", SubscriptionStatus.ACTIVE, "pln_g"));
        var endedAdmin = Optional.of(new MembershipRules.GroupAdmin("sub_admin", SubscriptionStatus.CANCELED, "pln_g"));
        assertThat(MembershipRules.check(Membership.Type.REGULAR, null, monthly(), Optional.empty())).isEmpty();
        assertThat(rule(MembershipRules.check(Membership.Type.REGULAR, "g1", monthly(), Optional.empty())))
                .isEqualTo("membership_group_of_regular");
        assertThat(rule(MembershipRules.check(Membership.Type.ADMIN, null, group, Optional.empty())))
                .isEqualTo("membership_group_required");
        assertThat(rule(MembershipRules.check(Membership.Type.ADMIN, "g1", monthly(), Optional.empty())))
                .isEqualTo("membership_plan_required");
        assertThat(MembershipRules.check(Membership.Type.ADMIN, "g1", group, Optional.empty())).isEmpty();
        assertThat(MembershipRules.check(Membership.Type.ADMIN, "g1", group, endedAdmin)).isEmpty();
        assertThat(rule(MembershipRules.check(Membership.Type.ADMIN, "g1", group, liveAdmin)))
                .isEqualTo("one_admin_per_membership");
        assertThat(MembershipRules.check(Membership.Type.MEMBER, "g1", group, liveAdmin)).isEmpty();
        assertThat(rule(MembershipRules.check(Membership.Type.MEMBER, "g1", group, endedAdmin)))
                .isEqualTo("membership_admin_required");
        assertThat(rule(MembershipRules.check(Membership.Type.MEMBER, "g1", group, Optional.empty())))
                .isEqualTo("membership_admin_required");
        PlanTerms otherGroupPlan = new PlanTerms("pln_h", "prd", 100, "usd", BillingInterval.YEAR, 1, 0, true,
                "membership", null, false);
        assertThat(rule(MembershipRules.check(Membership.Type.MEMBER, "g1", otherGroupPlan, liveAdmin)))
                .isEqualTo("membership_same_plan");
    }

    @Test
    void aChangeOfPlanKeepsAGroupTogetherAndAGiftOnOnePlan() {
        PlanTerms group = new PlanTerms("pln_g", "prd", 100, "usd", BillingInterval.YEAR, 1, 0, true, "membership",
                null, false);
        PlanTerms otherGroup = new PlanTerms("pln_h", "prd", 200, "usd", BillingInterval.YEAR, 1, 0, true,
                "membership", null, false);
        var liveAdmin = Optional.of(new MembershipRules.GroupAdmin("sub_admin", SubscriptionStatus.ACTIVE, "pln_g"));
        var endedAdmin = Optional.of(new MembershipRules.GroupAdmin("sub_admin", SubscriptionStatus.CANCELED, "pln_g"));
        Membership admin = new Membership(Membership.Type.ADMIN, "g1", null);
        Membership member = new Membership(Membership.Type.MEMBER, "g1", "sub_admin");

        assertThat(MembershipRules.checkChangeOfPlan(Membership.REGULAR, monthly(), Optional.empty())).isEmpty();
        // an admin moves its group to another membership plan, never out of membership
        assertThat(MembershipRules.checkChangeOfPlan(admin, otherGroup, liveAdmin)).isEmpty();
        Rejection out = MembershipRules.checkChangeOfPlan(admin, monthly(), liveAdmin).orElseThrow();
        assertThat(out.rule()).isEqualTo("membership_plan_required");
        assertThat(out.field()).isEqualTo("plan");
        assertThat(out.kind()).isEqualTo(Rejection.Kind.INVALID);
        // a member does not move alone: its admin's change of plan moves it
        Rejection alone = MembershipRules.checkChangeOfPlan(member, otherGroup, liveAdmin).orElseThrow();
        assertThat(alone.rule()).isEqualTo("membership_member_follows_admin");
        assertThat(alone.kind()).isEqualTo(Rejection.Kind.CONFLICT);
        assertThat(alone.message()).contains("sub_admin");
        assertThat(MembershipRules.checkChangeOfPlan(member, monthly(), liveAdmin)).isPresent();
        assertThat(MembershipRules.checkChangeOfPlan(member, group, liveAdmin)).isEmpty();
        assertThat(rule(MembershipRules.checkChangeOfPlan(member, group, endedAdmin)))
                .isEqualTo("membership_admin_required");

        // a group is bounded
        assertThat(MembershipRules.checkRoomForMember("g1", false, MembershipRules.MAX_MEMBERS_PER_GROUP - 1))
                .isEmpty();
        assertThat(rule(MembershipRules.checkRoomForMember("g1", false, MembershipRules.MAX_MEMBERS_PER_GROUP)))
                .isEqualTo("membership_group_full");
        // a member never outlives its admin: an admin canceling at its period end takes no new member
        Rejection canceling = MembershipRules.checkRoomForMember("g1", true, 0).orElseThrow();
        assertThat(canceling.rule()).isEqualTo("membership_admin_canceling");
        assertThat(canceling.kind()).isEqualTo(Rejection.Kind.CONFLICT);

        // a gift's replacement is the same gift on the new plan: donor pays, recipient holds, one plan for both
        Subscription gift = new NewSubscription("cus_donor", "pln_monthly", null, null, null, null, null, null, null,
                null, null, null, null, "cus_recipient", null, null, null, Map.of())
                .toSubscription("sub_gift", "site_1", false, monthly(), Membership.REGULAR, NOW, null);
        NewSubscription next = gift.replacementOn("pln_yearly");
        assertThat(next.customerId()).isEqualTo("cus_donor");
        assertThat(next.giftRecipientId()).isEqualTo("cus_recipient");
        assertThat(next.giftPlanId()).isEqualTo("pln_yearly");
        assertThat(GiftRules.check(next.customerId(), next.giftRecipientId(), "pln_yearly", next.giftPlanId()))
                .isEmpty();
    }

    private static String rule(Optional<Rejection> r) {
        return r.orElseThrow().rule();
    }

    @Test
    void aChangeOfPlanKeepsTheCustomerAndTermsWithoutATrial() {
        Subscription s = create(new NewSubscription("cus_a", "pln_monthly", 2, "send_invoice", 20, null, null, null,
                null, null, "adr_s", null, null, null, null, null, null, Map.of("a", "b")), monthly(), NOW);
        NewSubscription next = s.replacementOn("pln_yearly");
        assertThat(next.customerId()).isEqualTo("cus_a");
        assertThat(next.quantity()).isEqualTo(2);
        assertThat(next.collectionMethod()).isEqualTo("send_invoice");
        assertThat(next.daysUntilDue()).isEqualTo(20);
        assertThat(next.trialPeriodDays()).isZero();
        assertThat(next.shippingAddressId()).isEqualTo("adr_s");
        assertThat(next.validate(NOW).list()).isEmpty();
    }

    @Test
    void aMembersReplacementKeepsItsTrialAndItsStartDate() {
        PlanTerms group = new PlanTerms("pln_g", "prd", 100, "usd", BillingInterval.YEAR, 1, 0, true, "membership",
                null, false);
        Membership member = new Membership(Membership.Type.MEMBER, "g1", "sub_admin");
        Instant trialEnd = NOW.plus(java.time.Duration.ofDays(14));
        Subscription trialing = new NewSubscription("cus_m", "pln_g", null, null, null, null, trialEnd, null, null,
                null, null, null, null, null, null, "member", "g1", Map.of())
                .toSubscription("sub_m", "site_1", false, group, member, NOW, null);
        assertThat(trialing.status()).isEqualTo(SubscriptionStatus.TRIALING);
        Instant later = NOW.plus(java.time.Duration.ofDays(3));
        NewSubscription next = trialing.memberReplacementOn("pln_h", later);
        assertThat(next.trialEnd()).isEqualTo(trialEnd);
        assertThat(next.trialPeriodDays()).isNull();
        assertThat(next.planId()).isEqualTo("pln_h");
        assertThat(next.validate(later).list()).isEmpty();

        Instant start = NOW.plus(java.time.Duration.ofDays(30));
        Subscription scheduled = new NewSubscription("cus_m", "pln_g", null, null, null, null, null, start, null,
                null, null, null, null, null, null, "member", "g1", Map.of())
                .toSubscription("sub_s", "site_1", false, group, member, NOW, null);
        assertThat(scheduled.status()).isEqualTo(SubscriptionStatus.SCHEDULED);
        assertThat(scheduled.memberReplacementOn("pln_h", later).startDate()).isEqualTo(start);

        // an active member starts the new plan now, without a trial, like any change of plan
        Subscription active = new NewSubscription("cus_m", "pln_g", null, null, null, 0, null, null, null, null, null,
                null, null, null, null, "member", "g1", Map.of())
                .toSubscription("sub_a", "site_1", false, group, member, NOW, null);
        assertThat(active.memberReplacementOn("pln_h", later)).isEqualTo(active.replacementOn("pln_h"));
    }
}
