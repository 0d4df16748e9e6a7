package io.masthead.webhook.endpoint.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.validation.Violation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EndpointSpecTest {

    private static final Set<String> KNOWN = Set.of("customer.created", "customer.updated", "address.created",
            "subscription.paused");

    private static List<String> fields(EndpointSpec spec) {
        return spec.validate(KNOWN, false).list().stream().map(Violation::field).toList();
    }

    private static EndpointSpec spec(String url, List<String> events) {
        return new EndpointSpec(url, events, null, Map.of(), false);
    }

    @Test
    void acceptsExactNamesResourceWildcardsAndEverything() {
        assertThat(fields(spec("https://example.com/hooks", List.of("customer.created", "subscription.*", "*"))))
                .isEmpty();
    }

    @Test
    void refusesUnknownTypesAndPatternsNamingEachEntry() {
        assertThat(fields(spec("https://example.com/hooks", List.of("customer.created", "customer.deleted",
                "invoice.*", "cust*", "*.created", ""))))
                .containsExactly("enabled_events[1]", "enabled_events[2]", "enabled_events[3]", "enabled_events[4]",
                        "enabled_events[5]");
    }

    @Test
    void refusesAnEmptySelection() {
        assertThat(fields(spec("https://example.com/hooks", List.of()))).containsExactly("enabled_events");
        assertThat(fields(spec("https://example.com/hooks", null))).containsExactly("enabled_events");
    }

    @Test
    void refusesBadUrls() {
        for (String url : List.of("", "not a url", "ftp://example.com/x", "example.com/hooks", "https://",
                "https://user:pw@example.com/", "https://example.com/#frag", "javascript:alert(1)",
                "https://example.com:99999/")) {
            assertThat(fields(spec(url, List.of("*")))).as(url).containsExactly("url");
        }
        assertThat(fields(spec(null, List.of("*")))).containsExactly("url");
        assertThat(new EndpointSpec("http://example.com/x", List.of("*"), null, Map.of(), false)
                .validate(KNOWN, true).list()).extracting(Violation::message).containsExactly("must use https for a live site");
    }

    @Test
    void refusesOversizedMetadataAndDescription() {
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0; i < 51; i++) {
            metadata.put("k" + i, "v");
        }
        EndpointSpec spec = new EndpointSpec("https://example.com/", List.of("*"), "d".repeat(501), metadata, false);
        assertThat(spec.validate(KNOWN, false).list()).extracting(Violation::field)
                .containsExactly("description", "metadata");
    }

    @Test
    void matchingFollowsThePatterns() {
        assertThat(EventSelection.matches(List.of("customer.*"), "customer.created")).isTrue();
        assertThat(EventSelection.matches(List.of("customer.*"), "customers.created")).isFalse();
        assertThat(EventSelection.matches(List.of("address.created"), "customer.created")).isFalse();
        assertThat(EventSelection.matches(List.of("*"), "invoice.paid")).isTrue();
        assertThat(EventSelection.patternsMatching("customer.created"))
                .containsExactly("customer.created", "customer.*", "*");
        assertThat(EventSelection.patternsMatching("subscription.trial.ended"))
                .containsExactly("subscription.trial.ended", "subscription.trial.*", "subscription.*", "*");
    }

    @Test
    void normalizingDropsDuplicatePatterns() {
        assertThat(spec("https://example.com/", List.of("*", "customer.created", "*")).normalized().enabledEvents())
                .containsExactly("*", "customer.created");
    }
}
