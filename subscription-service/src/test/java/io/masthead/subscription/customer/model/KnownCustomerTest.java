package io.masthead.subscription.customer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class KnownCustomerTest {

    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");

    private static KnownCustomer named(String first, String last) {
        return new KnownCustomer("cus_1", "site_1", null, null, first, last, null, null, null, AT, AT);
    }

    @Test
    void theNameIsFirstAndLastOrWhicheverThereIs() {
        assertThat(named("Perry", "White").name()).isEqualTo("Perry White");
        assertThat(named("Perry", null).name()).isEqualTo("Perry");
        assertThat(named(null, "White").name()).isEqualTo("White");
        assertThat(named(null, null).name()).isNull();
    }

    @Test
    void addressTypesAreBillingOrShippingOnly() {
        assertThat(AddressType.of("billing")).isEqualTo(AddressType.BILLING);
        assertThat(AddressType.of("shipping")).isEqualTo(AddressType.SHIPPING);
        assertThat(AddressType.SHIPPING.value()).isEqualTo("shipping");
        assertThatIllegalArgumentException().isThrownBy(() -> AddressType.of("Billing"));
        assertThatIllegalArgumentException().isThrownBy(() -> AddressType.of(null));
    }

    @Test
    void anAddressBelongsToItsCustomerOnly() {
        KnownAddress address = new KnownAddress("adr_1", "site_1", "cus_1", AddressType.BILLING, null, null, null,
                null, "1 Main Street", null, null, null, null, "CA", null, AT, AT);

        assertThat(address.belongsTo("cus_1")).isTrue();
        assertThat(address.belongsTo("cus_2")).isFalse();
    }
}
