package io.masthead.webhook.endpoint.web;

import io.masthead.webhook.endpoint.model.Endpoint;
import io.masthead.webhook.endpoint.model.EndpointSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The webhook endpoint resource as JSON (snake_case), and the bodies of its operations. */
final class EndpointJson {

    static final String OBJECT = "webhook_endpoint";

    private EndpointJson() {
    }

    record CreateEndpoint(String url, List<String> enabledEvents, String description, Map<String, String> metadata,
            Boolean ordered) {

        EndpointSpec toSpec() {
            return new EndpointSpec(url, enabledEvents, description, metadata, Boolean.TRUE.equals(ordered));
        }
    }

    record EndpointResource(String id, String object, String url, String description, List<String> enabledEvents,
            Map<String, String> metadata, boolean ordered, String status, String disabledReason, Instant failingSince,
            Instant createdAt, Instant updatedAt) {

        static EndpointResource of(Endpoint e) {
            EndpointSpec s = e.spec();
            return new EndpointResource(e.id(), OBJECT, s.url(), s.description(), s.enabledEvents(), s.metadata(),
                    s.ordered(), e.status().value(), e.disabledReason() == null ? null : e.disabledReason().value(),
                    e.failingSince(), e.createdAt(), e.updatedAt());
        }
    }

    /** The creation response: the endpoint and, this once, its signing secret. */
    record CreatedEndpoint(String id, String object, String url, String description, List<String> enabledEvents,
            Map<String, String> metadata, boolean ordered, String status, String disabledReason, Instant failingSince,
            Instant createdAt, Instant updatedAt, String secret) {

        static CreatedEndpoint of(Endpoint e, String secret) {
            EndpointResource r = EndpointResource.of(e);
            return new CreatedEndpoint(r.id(), r.object(), r.url(), r.description(), r.enabledEvents(), r.metadata(),
                    r.ordered(), r.status(), r.disabledReason(), r.failingSince(), r.createdAt(), r.updatedAt(), secret);
        }
    }

    record RotateSecret(Long gracePeriodSeconds) {
    }

    /** A rotation's answer: the new secret, shown this once, and until when the previous ones still sign. */
    record RotatedSecret(String object, String endpointId, String secret, Instant previousSecretsExpireAt) {
    }

    record Recover(Instant since) {
    }

    record RecoveryResource(String object, String endpointId, Instant since, long deliveriesRequeued) {
    }

    record Deleted(String id, String object, boolean deleted) {
    }
}
