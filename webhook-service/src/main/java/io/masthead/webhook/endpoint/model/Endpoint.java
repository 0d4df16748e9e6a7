package io.masthead.webhook.endpoint.model;

import java.time.Instant;
import java.util.Objects;

/** A site's webhook endpoint. */
public record Endpoint(String id, String siteId, EndpointSpec spec, EndpointStatus status,
        DisabledReason disabledReason, Instant failingSince, Instant createdAt, Instant updatedAt) {

    public static final String ID_PREFIX = "we";

    public Endpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
    }

    public static Endpoint create(String id, String siteId, EndpointSpec spec, Instant now) {
        return new Endpoint(id, siteId, spec, EndpointStatus.ENABLED, null, null, now, now);
    }

    public boolean enabled() {
        return status == EndpointStatus.ENABLED;
    }

    public Endpoint withSpec(EndpointSpec changed, Instant now) {
        return new Endpoint(id, siteId, changed, status, disabledReason, failingSince, createdAt, now);
    }

    public Endpoint disable(DisabledReason reason, Instant now) {
        return new Endpoint(id, siteId, spec, EndpointStatus.DISABLED, reason, failingSince, createdAt, now);
    }

    /** Enabling starts afresh: the failure streak that may have disabled it is forgotten. */
    public Endpoint enable(Instant now) {
        return new Endpoint(id, siteId, spec, EndpointStatus.ENABLED, null, null, createdAt, now);
    }
}
