package io.masthead.customer.credential.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialVerificationEndpointTest {

    @Test
    void aVerificationRequestPrintsNeitherTheEmailNorThePassword() {
        String printed = new CredentialVerificationEndpoint.Verification("lois@dailyplanet.example", "s3cret pass")
                .toString();
        assertThat(printed).doesNotContain("lois").doesNotContain("dailyplanet").doesNotContain("s3cret");
    }
}
