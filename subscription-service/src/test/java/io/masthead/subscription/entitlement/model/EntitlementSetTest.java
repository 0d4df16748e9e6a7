package io.masthead.subscription.entitlement.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.masthead.platform.validation.ValidationException;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EntitlementSetTest {

    private static final String CUS = "cus_1";
    private static final List<String> FREE = List.of("newsletter", "free_articles");

    @Test
    void theUnionOfTheGrantingSubscriptionsEachWithEverySubscriptionGrantingIt() {
        EntitlementSet set = EntitlementSet.of(CUS, List.of(new Grant("sub_b", List.of("print", "digital")),
                new Grant("sub_a", List.of("digital", "archive"))), FREE);

        assertThat(set.source()).isEqualTo(EntitlementSource.SUBSCRIPTIONS);
        assertThat(set.entitlements()).containsExactly(
                new Entitlement("archive", List.of("sub_a"), false),
                new Entitlement("digital", List.of("sub_a", "sub_b"), false),
                new Entitlement("print", List.of("sub_b"), false));
    }

    @Test
    void withoutAGrantingSubscriptionTheFreeTier() {
        EntitlementSet set = EntitlementSet.of(CUS, List.of(), FREE);

        assertThat(set.source()).isEqualTo(EntitlementSource.FREE_TIER);
        assertThat(set.entitlements()).containsExactly(Entitlement.ofFreeTier("free_articles"),
                Entitlement.ofFreeTier("newsletter"));
    }

    @Test
    void subscriptionsWhosePlansListNoEntitlementTakeNothingAwayTheFreeTierApplies() {
        EntitlementSet set = EntitlementSet.of(CUS, List.of(new Grant("sub_donation", List.of())), FREE);

        assertThat(set).isEqualTo(EntitlementSet.freeTier(CUS, FREE));
    }

    @Test
    void theSameStateInAnyOrderIsTheSameSet() {
        List<Grant> grants = new ArrayList<>(List.of(new Grant("sub_a", List.of("x", "y")),
                new Grant("sub_b", List.of("y", "z")), new Grant("sub_c", List.of("z"))));
        EntitlementSet first = EntitlementSet.of(CUS, grants, FREE);
        Collections.reverse(grants);

        assertThat(EntitlementSet.of(CUS, grants, FREE)).isEqualTo(first);
        assertThat(EntitlementSet.freeTier(CUS, List.of("b", "a"))).isEqualTo(EntitlementSet.freeTier(CUS,
                List.of("a", "b")));
    }

    @Test
    void onlyActiveTrialingAndPastDueGrantAccess() {
        assertThat(SubscriptionStatus.values()).filteredOn(Access::grants).containsExactlyInAnyOrder(
                SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING, SubscriptionStatus.PAST_DUE);
        assertThat(Access.GRANTING_NAMES).containsExactly("active", "past_due", "trialing");
    }

    @Test
    void aCancellationDowngradesToTheFreeTier() {
        EntitlementSet before = EntitlementSet.of(CUS, List.of(new Grant("sub_a", List.of("digital"))), FREE);
        EntitlementSet after = EntitlementSet.of(CUS, List.of(), FREE);

        EntitlementChange change = EntitlementChange.between(before, after).orElseThrow();

        assertThat(change.added()).containsExactly("free_articles", "newsletter");
        assertThat(change.removed()).containsExactly("digital");
        assertThat(change.changesAccess()).isTrue();
    }

    @Test
    void theSameSetIsNoChange() {
        EntitlementSet set = EntitlementSet.of(CUS, List.of(new Grant("sub_a", List.of("digital"))), FREE);

        assertThat(EntitlementChange.between(set, EntitlementSet.of(CUS,
                List.of(new Grant("sub_a", List.of("digital"))), FREE))).isEmpty();
    }

    @Test
    void oneOfTwoGrantorsEndingIsAChangeOfGrantorOnlyNoAccessChanges() {
        EntitlementSet both = EntitlementSet.of(CUS, List.of(new Grant("sub_a", List.of("digital")),
                new Grant("sub_b", List.of("digital"))), FREE);
        EntitlementSet one = EntitlementSet.of(CUS, List.of(new Grant("sub_b", List.of("digital"))), FREE);

        EntitlementChange change = EntitlementChange.between(both, one).orElseThrow();

        assertThat(change.added()).isEmpty();
        assertThat(change.removed()).isEmpty();
        assertThat(change.changesAccess()).isFalse();
        assertThat(change.after().entitlements()).containsExactly(new Entitlement("digital", List.of("sub_b"), false));
    }

    @Test
    void aFreeTierIsAtMostFiftyDistinctWellFormedNames() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        assertThat(EntitlementSettings.request("site_1", List.of("b", "a:1"), now).freeTier())
                .containsExactly("a:1", "b");
        assertThat(EntitlementSettings.request("site_1", List.of(), now).freeTier()).isEmpty();

        assertThatThrownBy(() -> EntitlementSettings.request("site_1", null, now))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(v -> v.field()).containsExactly("free_tier"));
        assertThatThrownBy(() -> EntitlementSettings.request("site_1", java.util.Arrays.asList("ok", "ok", "-x",
                null, "has space"), now))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(v -> v.field())
                        .containsExactly("free_tier.1", "free_tier.2", "free_tier.3", "free_tier.4"));
        List<String> fiftyOne = IntStream.range(0, 51).mapToObj(i -> "e" + i).toList();
        assertThatThrownBy(() -> EntitlementSettings.request("site_1", fiftyOne, now))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(v -> v.field()).containsExactly("free_tier"));
    }

    @Test
    void theSameNamesInAnotherOrderAreNoNewFreeTier() {
        EntitlementSettings current = new EntitlementSettings("site_1", List.of("a", "b"), Instant.EPOCH);
        assertThat(current.freeTierDiffersFrom(new EntitlementSettings("site_1", List.of("b", "a"), Instant.EPOCH)))
                .isFalse();
        assertThat(current.freeTierDiffersFrom(new EntitlementSettings("site_1", List.of("a"), Instant.EPOCH)))
                .isTrue();
    }
}
