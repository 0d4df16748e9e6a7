package io.masthead.webhook.endpoint.model;

import io.masthead.platform.validation.Metadata;
import io.masthead.platform.validation.Violations;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What an admin says about an endpoint: where, which events, a description, metadata, and whether ordered. */
public record EndpointSpec(String url, List<String> enabledEvents, String description, Map<String, String> metadata,
        boolean ordered) {

    public static final Set<String> FIELDS = Set.of("url", "enabled_events", "description", "metadata", "ordered");
    public static final int MAX_DESCRIPTION = 500;

    public EndpointSpec {
        url = url == null ? null : url.strip();
        description = description == null || description.isBlank() ? null : description.strip();
        enabledEvents = enabledEvents == null ? List.of() : java.util.Collections.unmodifiableList(
                new java.util.ArrayList<>(enabledEvents));
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Every broken rule, named by JSON field; the event patterns are returned cleaned by {@link #normalized}.
     *
     * @param knownTypes the catalogue of event types
     * @param httpsOnly whether the site is live (plain http is for test sites)
     */
    public Violations validate(Set<String> knownTypes, boolean httpsOnly) {
        Violations v = new Violations();
        WebhookUrl.problem(url, httpsOnly).ifPresent(problem -> v.add("url", problem));
        EventSelection.validate("enabled_events", enabledEvents, knownTypes, v);
        v.maxLength("description", description, MAX_DESCRIPTION);
        Metadata.validate("metadata", metadata, v);
        return v;
    }

    /** The same spec with duplicate patterns dropped (call after a successful {@link #validate}). */
    public EndpointSpec normalized() {
        List<String> distinct = enabledEvents.stream().map(String::strip).distinct().toList();
        return new EndpointSpec(url, distinct, description, metadata, ordered);
    }
}
