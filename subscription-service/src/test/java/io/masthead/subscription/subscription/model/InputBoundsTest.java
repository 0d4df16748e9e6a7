package io.masthead.subscription.subscription.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.validation.Violation;
import io.masthead.subscription.bulkcancel.model.BulkCancellation;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inputs at the edges of their ranges: refused naming the field, and renewals that never fail on arithmetic. */
class InputBoundsTest {

    static final Instant NOW = SubscriptionTest.NOW; // 2026-01-31T09:00:00Z: a month-end anchor
    static final Instant FAR = Instant.parse("+999999999-12-31T23:59:59Z");
    static final Instant BEYOND_POSTGRES = Instant.parse("+294277-01-01T00:00:00Z");

    static Subscription.Changes shipments(Integer remaining, Instant suspendedUntil) {
        return new Subscription.Changes(null, false, null, false, remaining, null, suspendedUntil, false, null, null,
                null);
    }

    static NewSubscription withDates(Instant startDate, Instant trialEnd, Instant nextInvoiceDate) {
        return new NewSubscription("cus_a", "pln_monthly", null, null, null, null, trialEnd, startDate, null, null,
                null, null, nextInvoiceDate, null, null, null, null, Map.of());
    }

    static java.util.List<String> fields(java.util.List<Violation> violations) {
        return violations.stream().map(Violation::field).toList();
    }

    // ---- shipments_remaining ----------------------------------------------------------------------------------

    @Test
    void aPatchOfShipmentsAboveTheCapIsRefusedNamingTheField() {
        Subscription s = SubscriptionTest.active();
        Outcome<Subscription> tooMany = s.update(shipments(Integer.MAX_VALUE, null), NOW);
        assertThat(tooMany.rejection()).isNotNull();
        assertThat(tooMany.rejection().field()).isEqualTo("shipments_remaining");
        assertThat(tooMany.rejection().kind()).isEqualTo(Rejection.Kind.INVALID);
        assertThat(s.update(shipments(Subscription.MAX_SHIPMENTS_REMAINING + 1, null), NOW).rejection()).isNotNull();
        assertThat(s.update(shipments(Subscription.MAX_SHIPMENTS_REMAINING, null), NOW).value().shipmentsRemaining())
                .isEqualTo(Subscription.MAX_SHIPMENTS_REMAINING);
    }

    @Test
    void renewalsSaturateTheShipmentsAtTheCapAndNeverThrow() {
        PlanTerms bulky = new PlanTerms("pln_bulky", "prd_print", 100, "usd", BillingInterval.MONTH, 1, 1_000, true,
                "regular", null, false);
        NewSubscription in = new NewSubscription("cus_a", "pln_bulky", NewSubscription.MAX_QUANTITY, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, Map.of());
        Subscription s = SubscriptionTest.create(in, bulky, NOW);
        assertThat(s.shipmentsRemaining()).isEqualTo(Subscription.MAX_SHIPMENTS_REMAINING);
        for (int i = 0; i < 30; i++) { // 10^8 a period: an int overflowed after about 21 periods
            s = s.periodEnded(s.currentPeriodEnd(), s.currentPeriodEnd()).value().subscription();
        }
        assertThat(s.periodNumber()).isEqualTo(30);
        assertThat(s.shipmentsRemaining()).isEqualTo(Subscription.MAX_SHIPMENTS_REMAINING);

        Subscription atCap = SubscriptionTest.active().update(
                shipments(Subscription.MAX_SHIPMENTS_REMAINING, null), NOW).value();
        Subscription renewed = atCap.periodEnded(atCap.currentPeriodEnd(), atCap.currentPeriodEnd()).value()
                .subscription();
        assertThat(renewed.shipmentsRemaining()).isEqualTo(Subscription.MAX_SHIPMENTS_REMAINING);
    }

    // ---- renew ahead on a month-end anchor --------------------------------------------------------------------

    @Test
    void aRenewalAskedForAheadAnnouncesTheTermThePeriodEndCreatesOnAMonthEndAnchor() {
        Subscription s = SubscriptionTest.active(); // Jan 31 -> Feb 28
        assertThat(s.billingCycleAnchor()).isEqualTo(Instant.parse("2026-01-31T09:00:00Z"));
        assertThat(s.currentPeriodEnd()).isEqualTo(Instant.parse("2026-02-28T09:00:00Z"));
        Subscription asked = s.requestRenewal(SubscriptionTest.monthly(), NOW.plusSeconds(60)).value();
        ScheduledRenewal term = asked.scheduledRenewal();
        assertThat(term.startsAt()).isEqualTo(Instant.parse("2026-02-28T09:00:00Z"));
        assertThat(term.endsAt()).isEqualTo(Instant.parse("2026-03-31T09:00:00Z"));

        Subscription renewed = asked.periodEnded(asked.currentPeriodEnd(), asked.currentPeriodEnd()).value()
                .subscription();
        assertThat(renewed.currentPeriodStart()).isEqualTo(term.startsAt());
        assertThat(renewed.currentPeriodEnd()).isEqualTo(term.endsAt());
    }

    @Test
    void aRenewalAheadOntoAnotherCycleStartsANewCycleAtThePeriodEndAsTheRenewalDoes() {
        Subscription s = SubscriptionTest.active();
        Subscription asked = s.requestRenewal(SubscriptionTest.yearly(), NOW).value();
        Subscription renewed = asked.periodEnded(asked.currentPeriodEnd(), asked.currentPeriodEnd()).value()
                .subscription();
        assertThat(asked.scheduledRenewal().endsAt()).isEqualTo(Instant.parse("2027-02-28T09:00:00Z"))
                .isEqualTo(renewed.currentPeriodEnd());
    }

    // ---- times out of range -----------------------------------------------------------------------------------

    @Test
    void createRefusesTimesOutOfRangeNamingEachFieldWithoutThrowing() {
        assertThat(fields(withDates(FAR, null, null).validate(NOW).list())).containsExactly("start_date");
        assertThat(fields(withDates(null, FAR, null).validate(NOW).list())).containsExactly("trial_end");
        assertThat(fields(withDates(null, null, FAR).validate(NOW).list())).containsExactly("next_invoice_date");
        assertThat(fields(withDates(Instant.parse("1969-12-31T23:59:59Z"), null, null).validate(NOW).list()))
                .containsExactly("start_date");
        Instant hundredAndOneYears = Instant.parse("2127-01-31T09:00:00Z");
        assertThat(fields(withDates(hundredAndOneYears, null, null).validate(NOW).list()))
                .containsExactly("start_date");
        NewSubscription withTrialDays = new NewSubscription("cus_a", "pln_monthly", null, null, null, 30, null, FAR,
                null, null, null, null, null, null, null, null, null, Map.of());
        assertThat(fields(withTrialDays.validate(NOW).list())).containsExactly("start_date");
        // in range: a subscription scheduled 99 years ahead is fine, and its periods compute
        NewSubscription later = withDates(Instant.parse("2125-01-31T00:00:00Z"), null, null);
        assertThat(later.validate(NOW).list()).isEmpty();
        assertThat(SubscriptionTest.create(later, SubscriptionTest.monthly(), NOW).status())
                .isEqualTo(SubscriptionStatus.SCHEDULED);
    }

    @Test
    void aPatchRefusesASuspensionOutOfRangeNamingTheField() {
        Subscription s = SubscriptionTest.active();
        assertThat(s.update(shipments(null, FAR), NOW).rejection().field()).isEqualTo("shipments_suspended_until");
        assertThat(s.update(shipments(null, BEYOND_POSTGRES), NOW).rejection().field())
                .isEqualTo("shipments_suspended_until");
        assertThat(s.update(shipments(null, Instant.parse("2026-03-01T00:00:00Z")), NOW).value()
                .shipmentsSuspendedUntil()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void listFiltersRefuseCreationTimesOutOfRange() {
        assertThatThrownBy(() -> SubscriptionFilter.parse(null, null, null, BEYOND_POSTGRES.toString(), null))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(fields(e.violations())).containsExactly("created_gte"));
        assertThatThrownBy(() -> SubscriptionFilter.parse(null, null, null, null, "1969-01-01T00:00:00Z"))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(fields(e.violations())).containsExactly("created_lt"));
        assertThat(SubscriptionFilter.parse(null, null, null, "2026-01-01T00:00:00Z", "9999-12-31T00:00:00Z")
                .createdLt()).isEqualTo(Instant.parse("9999-12-31T00:00:00Z"));
    }

    @Test
    void aBulkCancellationRefusesAnEffectiveDateOutOfRange() {
        for (Instant bad : new Instant[] {FAR, BEYOND_POSTGRES, Instant.parse("2127-01-31T09:00:00Z")}) {
            assertThatThrownBy(() -> BulkCancellation.request("bcn_1", "site_1", false, true, null, null, true, "date",
                    bad, false, NOW)).as(bad.toString()).isInstanceOfSatisfying(ValidationException.class,
                            e -> assertThat(fields(e.violations())).containsExactly("effective_date"));
        }
        assertThat(BulkCancellation.request("bcn_1", "site_1", false, true, null, null, true, "date",
                Instant.parse("2030-01-01T00:00:00Z"), false, NOW).effectiveDate())
                .isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    }
}
