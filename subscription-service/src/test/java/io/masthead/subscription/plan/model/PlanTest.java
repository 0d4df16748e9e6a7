package io.masthead.subscription.plan.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PlanTest {

    private static final Instant T0 = Instant.parse("2026-05-04T09:30:00Z");
    private static final Instant T1 = Instant.parse("2026-05-05T09:30:00Z");

    private static Plan fresh() {
        return Plan.create("pln_1", "site_a", "prd_1", PlanTermsTest.monthly(), T0);
    }

    private static Plan used() {
        Plan p = fresh();
        return new Plan(p.id(), p.siteId(), p.productId(), p.terms(), T0, p.createdAt(), p.updatedAt());
    }

    @Test
    void aChangeNamesTheFieldsItChangesAndMovesUpdatedAt() {
        Plan.Change change = fresh().change(fresh().terms().toBuilder().amount(2100L).text("nickname", "New").build(),
                true, T1);
        assertThat(change).isInstanceOfSatisfying(Plan.Change.Changed.class, c -> {
            assertThat(c.fields()).containsExactlyInAnyOrder("amount", "nickname");
            assertThat(c.plan().updatedAt()).isEqualTo(T1);
            assertThat(c.plan().createdAt()).isEqualTo(T0);
            assertThat(c.plan().terms().amount()).isEqualTo(2100L);
        });
    }

    @Test
    void theSameTermsAreNoChange() {
        assertThat(fresh().change(fresh().terms(), true, T1)).isInstanceOf(Plan.Change.Unchanged.class);
    }

    @Test
    void onceUsedThePriceAndCycleAreFixed() {
        Plan plan = used();
        for (var next : java.util.List.of(plan.terms().toBuilder().amount(2100L).build(),
                plan.terms().toBuilder().text("currency", "cad").build(),
                plan.terms().toBuilder().text("interval", "year").build(),
                plan.terms().toBuilder().integer("interval_count", 3).build())) {
            assertThat(plan.change(next, true, T1)).isInstanceOf(Plan.Change.FixedOnceUsed.class);
        }
        assertThat(plan.change(plan.terms().toBuilder().amount(1L).text("currency", "eur").build(), true, T1))
                .isInstanceOfSatisfying(Plan.Change.FixedOnceUsed.class,
                        f -> assertThat(f.fields()).containsExactly("amount", "currency"));
    }

    @Test
    void onceUsedEverythingElseStillChanges() {
        Plan plan = used();
        var next = plan.terms().toBuilder().text("nickname", "Renamed").flag("auto_renew", false)
                .flag("active", false).integer("shipments_per_interval", 4).integer("trial_period_days", 7).build();
        assertThat(plan.change(next, true, T1)).isInstanceOf(Plan.Change.Changed.class);
    }

    @Test
    void anUnusedPlanMayChangeItsPrice() {
        assertThat(fresh().change(fresh().terms().toBuilder().amount(1L).text("interval", "week").build(), true, T1))
                .isInstanceOf(Plan.Change.Changed.class);
    }

    @Test
    void aPlanOfAnArchivedProductCannotBeActivated() {
        Plan inactive = fresh().change(fresh().terms().toBuilder().flag("active", false).build(), true, T1) instanceof
                Plan.Change.Changed c ? c.plan() : null;
        assertThat(inactive).isNotNull();
        assertThat(inactive.change(inactive.terms().toBuilder().flag("active", true).build(), false, T1))
                .isInstanceOf(Plan.Change.ProductArchived.class);
        assertThat(inactive.change(inactive.terms().toBuilder().text("nickname", "x").build(), false, T1))
                .isInstanceOf(Plan.Change.Changed.class);
        assertThat(inactive.change(inactive.terms().toBuilder().flag("active", true).build(), true, T1))
                .isInstanceOf(Plan.Change.Changed.class);
    }

    @Test
    void onlyAnUnusedPlanCanBeDeleted() {
        assertThat(fresh().deletionRefusal()).isEmpty();
        assertThat(used().deletionRefusal()).hasValueSatisfying(r -> assertThat(r).contains("used by subscriptions"));
    }

    @Test
    void infoCarriesWhatSubscriptionsNeed() {
        PlanInfo info = fresh().info(true);
        assertThat(info.id()).isEqualTo("pln_1");
        assertThat(info.productId()).isEqualTo("prd_1");
        assertThat(info.productAddressRequired()).isTrue();
        assertThat(info.amount()).isEqualTo(1900L);
        assertThat(info.currency()).isEqualTo("usd");
        assertThat(info.interval()).isEqualTo(BillingInterval.MONTH);
        assertThat(info.intervalCount()).isEqualTo(1);
        assertThat(info.autoRenew()).isTrue();
        assertThat(info.type()).isEqualTo(PlanType.REGULAR);
        assertThat(info.revenueRecognitionType()).isEqualTo(RevenueRecognition.TIME_BASED);
        assertThat(info.active()).isTrue();
    }
}
