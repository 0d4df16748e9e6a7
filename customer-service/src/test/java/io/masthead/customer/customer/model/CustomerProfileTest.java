package io.masthead.customer.customer.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.validation.Violation;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CustomerProfileTest {

    private static CustomerProfile gerard() {
        return new CustomerProfile("143278", "gerard@example.com", "Gerard", "Cassano", "0015141234567", "CEO", "Mr.",
                "Gcassano1", null, Map.of("source", "import"));
    }

    @Test
    void theGuidesExampleCustomerIsValid() {
        assertThat(gerard().validate().list()).isEmpty();
    }

    @Test
    void everyFieldIsOptionalSinceRelease154() {
        CustomerProfile empty = new CustomerProfile(null, null, null, null, null, null, null, null, null, null);
        assertThat(empty.validate().list()).isEmpty();
        assertThat(empty.metadata()).isEmpty();
    }

    @Test
    void namesEveryBadFieldAtOnce() {
        CustomerProfile bad = new CustomerProfile("x".repeat(256), "not-an-email", "J", "D", "514-CALL-NOW", null,
                "Excellency of the realm", null, null, null);
        assertThat(bad.validate().list()).extracting(Violation::field)
                .containsExactlyInAnyOrder("old_provider_id", "email", "phone", "salutation");
    }

    @Test
    void metadataLimits() {
        Map<String, String> tooMany = new HashMap<>();
        for (int i = 0; i < 51; i++) {
            tooMany.put("k" + i, "v");
        }
        CustomerProfile bad = gerard().toBuilder().metadata(tooMany).build();
        assertThat(bad.validate().list()).extracting(Violation::field).containsExactly("metadata");
        Map<String, String> longValue = Map.of("note", "x".repeat(501));
        assertThat(gerard().toBuilder().metadata(longValue).build().validate().list())
                .extracting(Violation::field).containsExactly("metadata.note");
    }

    @Test
    void blanksAreStoredAsNoValue() {
        CustomerProfile p = new CustomerProfile(" ", "", "  Jane ", null, "", null, null, null, null, null);
        assertThat(p.oldProviderId()).isNull();
        assertThat(p.email()).isNull();
        assertThat(p.firstName()).isEqualTo("Jane");
    }

    @Test
    void anUpdateReportsOnlyTheFieldsItChanged() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        Customer before = Customer.create("cus_1", "site_1", gerard(), t0);
        Customer after = before.withProfile(gerard().toBuilder().set("email", "new@example.com")
                .set("phone", null).build(), t0.plusSeconds(60));
        assertThat(after.changedFieldsSince(before)).containsExactlyInAnyOrder("email", "phone");
        assertThat(after.createdAt()).isEqualTo(t0);
        assertThat(after.updatedAt()).isEqualTo(t0.plusSeconds(60));
    }
}
