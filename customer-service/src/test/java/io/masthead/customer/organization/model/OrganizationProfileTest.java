package io.masthead.customer.organization.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.validation.Violation;
import org.junit.jupiter.api.Test;

class OrganizationProfileTest {

    @Test
    void aNameIsRequiredAndTheWebsiteIsAnHttpUrl() {
        assertThat(new OrganizationProfile("Daily Planet", "Media", "https://dailyplanet.example", null).validate()
                .list()).isEmpty();
        assertThat(new OrganizationProfile(" ", null, "ftp://x.example", null).validate().list())
                .extracting(Violation::field).containsExactlyInAnyOrder("name", "website");
        assertThat(new OrganizationProfile("A", null, "javascript:alert(1)", null).validate().list())
                .extracting(Violation::field).containsExactly("website");
    }

    @Test
    void changesAreNamedByField() {
        OrganizationProfile before = new OrganizationProfile("Daily Planet", "Media", null, null);
        OrganizationProfile after = before.with("industry", "News");
        assertThat(io.masthead.platform.model.RecordDiff.changedFields(before, after)).containsExactly("industry");
    }
}
