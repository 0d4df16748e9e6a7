package io.masthead.customer.address.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.validation.Violation;
import org.junit.jupiter.api.Test;

class AddressDetailsTest {

    /** The migration guide's billing example. */
    private static AddressDetails montreal() {
        return new AddressDetails("billing", "Genaro", "Cassano", "Mr.", null, "ABC Inc.", "Accounting",
                "1010 Sainte Catherine ouest", "#02-111", "Montreal", "QC", "H3H1H1", "CA", "514112-2233");
    }

    @Test
    void theGuidesExampleIsValid() {
        assertThat(montreal().validate().list()).isEmpty();
    }

    @Test
    void namesAndCityStateAndPostalCodeMayBeNullSinceRelease154() {
        AddressDetails partial = new AddressDetails("shipping", null, null, null, null, null, null, "1 Main St", null,
                null, null, null, "US", null);
        assertThat(partial.validate().list()).isEmpty();
    }

    @Test
    void lineOneCountryAndTypeAreRequired() {
        AddressDetails empty = new AddressDetails(null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
        assertThat(empty.validate().list()).extracting(Violation::field)
                .containsExactlyInAnyOrder("type", "line1", "country");
    }

    @Test
    void countriesAreIsoAlpha2AndNormalisedToUpperCase() {
        assertThat(montreal().with("country", "ca").country()).isEqualTo("CA");
        assertThat(montreal().with("country", "ca").validate().list()).isEmpty();
        assertThat(montreal().with("country", "Canada").validate().list()).extracting(Violation::field)
                .contains("country");
        assertThat(montreal().with("country", "XX").validate().list()).extracting(Violation::field)
                .contains("country");
    }

    @Test
    void usAndCanadianStatesMustBeTwoLetterCodes() {
        assertThat(montreal().with("state", "Quebec").validate().list()).extracting(Violation::field)
                .containsExactly("state");
        assertThat(montreal().with("state", "NY").validate().list()).extracting(Violation::field)
                .containsExactly("state");
        AddressDetails newYork = montreal().with("country", "US").with("state", "ny");
        assertThat(newYork.validate().list()).isEmpty();
        AddressDetails paris = montreal().with("country", "FR").with("state", "Île-de-France");
        assertThat(paris.validate().list()).isEmpty();
    }

    @Test
    void typeIsBillingOrShipping() {
        assertThat(montreal().with("type", "home").validate().list()).extracting(Violation::field)
                .containsExactly("type");
        assertThat(AddressType.parse("shipping")).isEqualTo(AddressType.SHIPPING);
    }

    @Test
    void phoneFollowsTheSameRuleAsCustomers() {
        assertThat(montreal().with("phone", "call me").validate().list()).extracting(Violation::field)
                .containsExactly("phone");
    }
}
