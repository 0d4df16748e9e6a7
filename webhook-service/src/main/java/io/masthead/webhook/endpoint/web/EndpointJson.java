package io.masthead.webhook.endpoint.web;

import io.masthead.webhook.endpoint.model.Endpoint;
import io.masthead.webhook.endpoint.model.EndpointSpec;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The webhook endpoint resource as JSON (snake_case), and the bodies of its operations. */
final class EndpointJson {

    static final String OBJECT = "webhook_endpoint";

    private EndpointJson() {
    }

    static final String ID = "we_01jt3z8x9k2m4n6p8q0r2s4t6v";
    private static final String URL = "https://hooks.dailyplanet.example/masthead";
    private static final String EVENTS = "[\"customer.created\", \"customer.updated\"]";
    private static final String METADATA = "{\"team\": \"newsroom\"}";
    private static final String TIME = "2026-05-04T09:30:00Z";

    @Schema(description = "A new webhook endpoint")
    record CreateEndpoint(
            @Schema(description = "Absolute http(s) URL, at most 2,048 characters (https only for live sites); "
                    + "private and loopback addresses are refused", example = URL,
                    requiredMode = Schema.RequiredMode.REQUIRED) String url,
            @Schema(description = "At least one: event types (`customer.created`), every event of a resource "
                    + "(`customer.*`) or everything (`*`)", example = EVENTS, requiredMode = Schema.RequiredMode.REQUIRED)
            List<String> enabledEvents,
            @Schema(example = "Newsroom CRM sync") String description,
            @Schema(example = METADATA) Map<String, String> metadata,
            @Schema(description = "Deliver the events of one customer one at a time, in order (default false)",
                    example = "false") Boolean ordered) {

        EndpointSpec toSpec() {
            return new EndpointSpec(url, enabledEvents, description, metadata, Boolean.TRUE.equals(ordered));
        }
    }

    /** Documents the body of an update, which is read as a JSON merge patch. */
    @Schema(description = "A JSON merge patch: the fields to change; null clears one, absent ones are kept")
    record UpdateEndpoint(
            @Schema(example = URL) String url,
            @Schema(example = EVENTS) List<String> enabledEvents,
            @Schema(example = "Newsroom CRM sync") String description,
            @Schema(description = "Replaces the whole metadata map", example = METADATA) Map<String, String> metadata,
            @Schema(example = "true") Boolean ordered) {
    }

    @Schema(name = "WebhookEndpoint", description = "A URL that receives the site's events")
    record EndpointResource(
            @Schema(example = ID) String id,
            @Schema(allowableValues = OBJECT) String object,
            @Schema(example = URL) String url,
            @Schema(example = "Newsroom CRM sync") String description,
            @Schema(example = EVENTS) List<String> enabledEvents,
            @Schema(example = METADATA) Map<String, String> metadata,
            boolean ordered,
            @Schema(allowableValues = {"enabled", "disabled"}, example = "enabled") String status,
            @Schema(description = "Why it is disabled, when it is", allowableValues = {"manual", "gone", "failing"})
            String disabledReason,
            @Schema(description = "Since when every delivery has failed, when they do", example = TIME)
            Instant failingSince,
            @Schema(example = TIME) Instant createdAt,
            @Schema(example = TIME) Instant updatedAt) {

        static EndpointResource of(Endpoint e) {
            EndpointSpec s = e.spec();
            return new EndpointResource(e.id(), OBJECT, s.url(), s.description(), s.enabledEvents(), s.metadata(),
                    s.ordered(), e.status().value(), e.disabledReason() == null ? null : e.disabledReason().value(),
                    e.failingSince(), e.createdAt(), e.updatedAt());
        }
    }

    /** The creation response: the endpoint and, this once, its signing secret. */
    @Schema(name = "CreatedWebhookEndpoint", description = "A new endpoint, with its signing secret shown this once")
    record CreatedEndpoint(
            @Schema(example = ID) String id,
            @Schema(allowableValues = OBJECT) String object,
            @Schema(example = URL) String url,
            @Schema(example = "Newsroom CRM sync") String description,
            @Schema(example = EVENTS) List<String> enabledEvents,
            @Schema(example = METADATA) Map<String, String> metadata,
            boolean ordered,
            @Schema(allowableValues = {"enabled", "disabled"}, example = "enabled") String status,
            @Schema(allowableValues = {"manual", "gone", "failing"}) String disabledReason,
            Instant failingSince,
            @Schema(example = TIME) Instant createdAt,
            @Schema(example = TIME) Instant updatedAt,
            @Schema(description = "The signing secret: store it now, it is never shown again",
                    example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") String secret) {

        static CreatedEndpoint of(Endpoint e, String secret) {
            EndpointResource r = EndpointResource.of(e);
            return new CreatedEndpoint(r.id(), r.object(), r.url(), r.description(), r.enabledEvents(), r.metadata(),
                    r.ordered(), r.status(), r.disabledReason(), r.failingSince(), r.createdAt(), r.updatedAt(), secret);
        }
    }

    @Schema(description = "Optional: how long the previous secrets keep signing")
    record RotateSecret(
            @Schema(description = "0 to 604800 (7 days); default 86400 (24 h)", example = "86400")
            Long gracePeriodSeconds) {
    }

    /** A rotation's answer: the new secret, shown this once, and until when the previous ones still sign. */
    @Schema(name = "WebhookEndpointSecret")
    record RotatedSecret(
            @Schema(allowableValues = "webhook_endpoint_secret") String object,
            @Schema(example = ID) String endpointId,
            @Schema(description = "The new signing secret: store it now, it is never shown again",
                    example = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD") String secret,
            @Schema(example = "2026-05-05T09:30:00Z") Instant previousSecretsExpireAt) {
    }

    @Schema(description = "Which failed deliveries to queue again")
    record Recover(
            @Schema(description = "Deliveries created at or after this time (not in the future)", example = TIME,
                    requiredMode = Schema.RequiredMode.REQUIRED) Instant since) {
    }

    @Schema(name = "WebhookRecovery")
    record RecoveryResource(
            @Schema(allowableValues = "webhook_recovery") String object,
            @Schema(example = ID) String endpointId,
            @Schema(example = TIME) Instant since,
            @Schema(example = "12") long deliveriesRequeued) {
    }

    @Schema(name = "DeletedWebhookEndpoint")
    record Deleted(
            @Schema(example = ID) String id,
            @Schema(allowableValues = OBJECT) String object,
            @Schema(description = "Always true", example = "true") boolean deleted) {
    }
}
