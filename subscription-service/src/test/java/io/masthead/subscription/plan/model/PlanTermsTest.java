package io.masthead.subscription.plan.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.validation.Violation;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlanTermsTest {

    static PlanTerms monthly() {
        return new PlanTerms("Monthly", null, 1900L, "usd", "month", null, null, null, null, null, null, null, null,
                null, null, null).withDefaults();
    }

    private static List<String> fieldsOf(PlanTerms terms) {
        return terms.validate().list().stream().map(Violation::field).toList();
    }

    @Test
    void aNewPlanTakesTheUsualDefaults() {
        PlanTerms t = monthly();
        assertThat(t.validate().isEmpty()).isTrue();
        assertThat(t.intervalCount()).isEqualTo(1);
        assertThat(t.autoRenew()).isTrue();
        assertThat(t.availableOnline()).isTrue();
        assertThat(t.shipmentsPerInterval()).isZero();
        assertThat(t.planType()).isEqualTo(PlanType.REGULAR);
        assertThat(t.revenueRecognition()).isEqualTo(RevenueRecognition.TIME_BASED);
        assertThat(t.isActive()).isTrue();
        assertThat(t.trialPeriodDays()).isNull();
        assertThat(t.entitlements()).isEmpty();
        assertThat(t.billingInterval()).isEqualTo(BillingInterval.MONTH);
    }

    @Test
    void theGuidesExamplePlansAreValid() {
        PlanTerms europe = new PlanTerms("Europe Yearly Membership - Gold", "Print+Digital", 19900L, "eur", "year", 1,
                true, true, 12, "donation", "shipment_based", List.of("ent_a", "ent_b"), null, "1234", true,
                Map.of("account_name", "abcd"));
        PlanTerms canada = new PlanTerms("Canada Monthly Membership - Silver", null, 1900L, "cad", "month", 1, false,
                true, 1, "regular", "shipment_based", List.of(), 14, "5789", true, Map.of());
        assertThat(europe.validate().list()).isEmpty();
        assertThat(canada.validate().list()).isEmpty();
    }

    @Test
    void everyRequiredFieldIsNamedWhenMissing() {
        PlanTerms empty = new PlanTerms(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
        assertThat(fieldsOf(empty.withDefaults())).containsExactlyInAnyOrder("nickname", "amount", "currency",
                "interval");
        assertThat(fieldsOf(empty)).containsExactlyInAnyOrder("nickname", "amount", "currency", "interval",
                "interval_count", "auto_renew", "available_online", "shipments_per_interval", "type",
                "revenue_recognition_type", "active");
    }

    @Test
    void blankTextIsNoValue() {
        PlanTerms t = monthly().toBuilder().text("nickname", "   ").text("description", " ").text("old_id", "")
                .build();
        assertThat(t.description()).isNull();
        assertThat(t.oldId()).isNull();
        assertThat(fieldsOf(t)).containsExactly("nickname");
    }

    @Test
    void textLimits() {
        assertThat(fieldsOf(monthly().toBuilder().text("nickname", "n".repeat(201)).build())).containsExactly("nickname");
        assertThat(fieldsOf(monthly().toBuilder().text("description", "d".repeat(2001)).build()))
                .containsExactly("description");
        assertThat(fieldsOf(monthly().toBuilder().text("old_id", "o".repeat(256)).build())).containsExactly("old_id");
        assertThat(fieldsOf(monthly().toBuilder().text("nickname", "n".repeat(200)).text("description",
                "d".repeat(2000)).text("old_id", "o".repeat(255)).build())).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"-1,false", "0,true", "1,true", "99999999999,true", "100000000000,false"})
    void amountIsNonNegativeMinorUnits(long amount, boolean valid) {
        assertThat(fieldsOf(monthly().toBuilder().amount(amount).build()).contains("amount")).isEqualTo(!valid);
    }

    @ParameterizedTest
    @CsvSource({"usd,true", "eur,true", "jpy,true", "USD,false", "Usd,false", "us,false", "usdd,false",
        "xyz,false", "'',false"})
    void currencyIsALowerCaseIso4217Code(String currency, boolean valid) {
        assertThat(fieldsOf(monthly().toBuilder().text("currency", currency).build()).contains("currency"))
                .isEqualTo(!valid);
    }

    @ParameterizedTest
    @CsvSource({"day,true", "week,true", "month,true", "year,true", "Month,false", "monthly,false", "3,false",
        "quarter,false"})
    void intervalIsDayWeekMonthOrYear(String interval, boolean valid) {
        assertThat(fieldsOf(monthly().toBuilder().text("interval", interval).build()).contains("interval"))
                .isEqualTo(!valid);
    }

    @ParameterizedTest
    @CsvSource({"day,1095,true", "day,1096,false", "week,156,true", "week,157,false", "month,36,true",
        "month,37,false", "year,3,true", "year,4,false", "month,0,false", "month,-1,false"})
    void aCycleIsAtMostThreeYears(String interval, int count, boolean valid) {
        PlanTerms t = monthly().toBuilder().text("interval", interval).integer("interval_count", count).build();
        assertThat(fieldsOf(t).contains("interval_count")).isEqualTo(!valid);
    }

    @Test
    void shipmentsPerIntervalIsZeroToAThousand() {
        assertThat(fieldsOf(monthly().toBuilder().integer("shipments_per_interval", -1).build()))
                .containsExactly("shipments_per_interval");
        assertThat(fieldsOf(monthly().toBuilder().integer("shipments_per_interval", 1001).build()))
                .containsExactly("shipments_per_interval");
        assertThat(fieldsOf(monthly().toBuilder().integer("shipments_per_interval", 1000).build())).isEmpty();
    }

    @Test
    void typeAndRevenueRecognitionAreNamedValues() {
        assertThat(fieldsOf(monthly().toBuilder().text("type", "gift").build())).containsExactly("type");
        assertThat(fieldsOf(monthly().toBuilder().text("type", "membership").build())).isEmpty();
        assertThat(fieldsOf(monthly().toBuilder().text("revenue_recognition_type", "cash").build()))
                .containsExactly("revenue_recognition_type");
    }

    @Test
    void shipmentBasedRecognitionNeedsShipments() {
        PlanTerms digital = monthly().toBuilder().text("revenue_recognition_type", "shipment_based").build();
        assertThat(digital.validate().list()).singleElement()
                .satisfies(v -> assertThat(v.field()).isEqualTo("revenue_recognition_type"))
                .satisfies(v -> assertThat(v.message()).contains("shipments_per_interval"));
        assertThat(fieldsOf(digital.toBuilder().integer("shipments_per_interval", 1).build())).isEmpty();
    }

    @Test
    void entitlementsAreDistinctNames() {
        assertThat(fieldsOf(monthly().toBuilder().entitlements(List.of("digital_access", "print:weekend", "ent-a.1"))
                .build())).isEmpty();
        assertThat(fieldsOf(monthly().toBuilder().entitlements(List.of("ok", "has space", "", "_lead")).build()))
                .containsExactly("entitlements.1", "entitlements.2", "entitlements.3");
        assertThat(fieldsOf(monthly().toBuilder().entitlements(List.of("a", "b", "a")).build()))
                .containsExactly("entitlements.2");
        assertThat(fieldsOf(monthly().toBuilder().entitlements(Collections.singletonList(null)).build()))
                .containsExactly("entitlements.0");
        assertThat(fieldsOf(monthly().toBuilder().entitlements(List.of("e".repeat(101))).build()))
                .containsExactly("entitlements.0");
        assertThat(fieldsOf(monthly().toBuilder().entitlements(IntStream.range(0, 51).mapToObj(i -> "e" + i).toList())
                .build())).containsExactly("entitlements");
    }

    @Test
    void trialIsZeroTo730Days() {
        assertThat(fieldsOf(monthly().toBuilder().integer("trial_period_days", -1).build()))
                .containsExactly("trial_period_days");
        assertThat(fieldsOf(monthly().toBuilder().integer("trial_period_days", 731).build()))
                .containsExactly("trial_period_days");
        assertThat(fieldsOf(monthly().toBuilder().integer("trial_period_days", 730).build())).isEmpty();
        assertThat(fieldsOf(monthly().toBuilder().integer("trial_period_days", null).build())).isEmpty();
    }

    @Test
    void metadataFollowsThePlatformLimits() {
        assertThat(fieldsOf(monthly().toBuilder().metadata(Map.of("k".repeat(41), "v")).build()))
                .containsExactly("metadata." + "k".repeat(41));
    }

    @Test
    void theFixedFieldsAreThePriceAndTheCycle() {
        PlanTerms t = monthly();
        assertThat(t.fixedFieldsChangedBy(t.toBuilder().text("nickname", "Other").flag("auto_renew", false)
                .integer("shipments_per_interval", 2).build())).isEmpty();
        assertThat(t.fixedFieldsChangedBy(t.toBuilder().amount(2000L).text("currency", "eur").text("interval", "year")
                .integer("interval_count", 2).build())).containsExactly("amount", "currency", "interval",
                "interval_count");
    }
}
