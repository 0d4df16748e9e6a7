package io.masthead.webhook.delivery.application;

import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.Violations;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.webhook.delivery.infrastructure.AttemptRepository;
import io.masthead.webhook.delivery.infrastructure.DeliveryRepository;
import io.masthead.webhook.delivery.model.Attempt;
import io.masthead.webhook.delivery.model.Delivery;
import io.masthead.webhook.delivery.model.DeliveryStatus;
import io.masthead.webhook.endpoint.application.EndpointService;
import io.masthead.webhook.endpoint.infrastructure.EndpointRepository;
import io.masthead.webhook.endpoint.model.Endpoint;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** The delivery log and its replays: list and read deliveries and attempts, resend one, recover many. */
@Service
public class DeliveryService {

    private final DeliveryRepository deliveries;
    private final AttemptRepository attempts;
    private final EndpointRepository endpoints;
    private final DeliveryQueue queue;
    private final Clock clock;

    public DeliveryService(DeliveryRepository deliveries, AttemptRepository attempts, EndpointRepository endpoints,
            DeliveryQueue queue, Clock clock) {
        this.deliveries = deliveries;
        this.attempts = attempts;
        this.endpoints = endpoints;
        this.queue = queue;
        this.clock = clock;
    }

    /** A bulk recovery: how many failed deliveries were queued again. */
    public record Recovery(String endpointId, Instant since, long requeued) {
    }

    public Mono<Delivery> get(Caller caller, String id) {
        caller.requireAdmin();
        return deliveries.find(caller.siteId(), id).switchIfEmpty(notFound(id));
    }

    public Mono<ListResponse<Delivery>> list(Caller caller, String endpointId, String eventId, String status,
            PageRequest page) {
        caller.requireAdmin();
        new Violations().checkIfPresent("status", status, DeliveryStatus::isValue,
                "must be pending, succeeded or failed").throwIfAny();
        return deliveries.list(caller.siteId(), endpointId, eventId, status, page).collectList()
                .map(rows -> ListResponse.of(rows, page, Delivery::id));
    }

    public Mono<ListResponse<Attempt>> attempts(Caller caller, String deliveryId, String endpointId, String eventId,
            String outcome, PageRequest page) {
        caller.requireAdmin();
        new Violations().checkIfPresent("status", outcome, o -> o.equals("succeeded") || o.equals("failed"),
                "must be succeeded or failed").throwIfAny();
        return attempts.list(caller.siteId(), deliveryId, endpointId, eventId, outcome, page).collectList()
                .map(rows -> ListResponse.of(rows, page, Attempt::id));
    }

    /** Queues a finished delivery again (same payload, same webhook-id), with a fresh retry schedule. */
    public Mono<Delivery> resend(Caller caller, String id) {
        caller.requireAdmin();
        return deliveries.find(caller.siteId(), id).switchIfEmpty(notFound(id))
                .flatMap(delivery -> enabledEndpoint(caller, delivery.endpointId()).thenReturn(delivery))
                .flatMap(delivery -> deliveries.requeue(caller.siteId(), id, clock.instant())
                        .switchIfEmpty(Mono.error(() -> new ProblemException(HttpStatus.CONFLICT, "delivery-pending",
                                "Delivery pending", "The delivery '" + id + "' is already pending", List.of()))))
                .doOnNext(d -> queue.wake());
    }

    /** Queues again every failed delivery of an endpoint created at or after {@code since}. */
    public Mono<Recovery> recover(Caller caller, String endpointId, Instant since) {
        caller.requireAdmin();
        Violations violations = new Violations();
        violations.require("since", since);
        violations.checkIfPresent("since", since, s -> !s.isAfter(clock.instant()), "must not be in the future");
        violations.throwIfAny();
        return enabledEndpoint(caller, endpointId)
                .then(Mono.defer(() -> deliveries.requeueFailed(caller.siteId(), endpointId, since, clock.instant())))
                .doOnNext(n -> {
                    if (n > 0) {
                        queue.wake();
                    }
                })
                .map(n -> new Recovery(endpointId, since, n));
    }

    private Mono<Endpoint> enabledEndpoint(Caller caller, String endpointId) {
        return endpoints.find(caller.siteId(), endpointId)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("webhook endpoint", endpointId)))
                .flatMap(e -> e.enabled() ? Mono.just(e) : Mono.error(EndpointService.disabled(endpointId)));
    }

    private static <T> Mono<T> notFound(String id) {
        return Mono.error(() -> ProblemException.notFound("webhook delivery", id));
    }
}
