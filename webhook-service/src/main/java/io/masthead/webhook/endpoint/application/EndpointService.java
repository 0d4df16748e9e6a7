package io.masthead.webhook.endpoint.application;

import io.masthead.events.Topics;
import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.webhook.delivery.application.DeliveryQueue;
import io.masthead.webhook.delivery.infrastructure.DeliveryRepository;
import io.masthead.webhook.endpoint.infrastructure.EndpointRepository;
import io.masthead.webhook.endpoint.model.DisabledReason;
import io.masthead.webhook.endpoint.model.Endpoint;
import io.masthead.webhook.endpoint.model.EndpointSpec;
import io.masthead.webhook.endpoint.model.SecretRotation;
import io.masthead.webhook.endpoint.model.SecretRotation.Secret;
import io.masthead.webhook.endpoint.model.WebhookUrl;
import io.masthead.webhook.event.application.EventIntake;
import io.masthead.webhook.signing.model.WebhookSignature;
import io.masthead.webhook.ssrf.infrastructure.AddressGuard;
import io.masthead.webhook.ssrf.infrastructure.AddressRefusedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Endpoint use cases: every query scoped to the caller's site, admins only. */
@Service
public class EndpointService {

    /** Every event type of the catalogue, the names and patterns endpoints may ask for. */
    public static final Set<String> KNOWN_EVENT_TYPES = new TreeSet<>(Topics.allEventTypes());

    private final EndpointRepository endpoints;
    private final DeliveryRepository deliveries;
    private final EventIntake intake;
    private final DeliveryQueue queue;
    private final AddressGuard guard;
    private final TransactionalOperator transaction;
    private final Clock clock;
    private final Duration defaultGrace;

    public EndpointService(EndpointRepository endpoints, DeliveryRepository deliveries, EventIntake intake,
            DeliveryQueue queue, AddressGuard guard, TransactionalOperator transaction, Clock clock,
            io.masthead.webhook.WebhookProperties properties) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.intake = intake;
        this.queue = queue;
        this.guard = guard;
        this.transaction = transaction;
        this.clock = clock;
        this.defaultGrace = properties.secretGracePeriod();
    }

    /** A new endpoint and its signing secret, which is shown this once. */
    public record Created(Endpoint endpoint, String secret) {
    }

    /** A rotation's new secret, shown this once, and until when the previous ones keep signing. */
    public record Rotated(Endpoint endpoint, String secret, Instant previousExpireAt) {
    }

    public Mono<Created> create(Caller caller, EndpointSpec requested) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            requested.validate(KNOWN_EVENT_TYPES, caller.livemode()).throwIfAny();
            EndpointSpec spec = requested.normalized();
            Instant now = clock.instant();
            Endpoint endpoint = Endpoint.create(Ids.next(Endpoint.ID_PREFIX, clock), caller.siteId(), spec, now);
            String secret = WebhookSignature.newSecret();
            Mono<Created> work = endpoints.insert(endpoint)
                    .then(endpoints.insertSecret(endpoint.id(), new Secret(Ids.next("whsk", clock), secret, now, null)))
                    .thenReturn(new Created(endpoint, secret));
            return checkAddress(spec.url()).then(transaction.transactional(work));
        });
    }

    public Mono<Endpoint> get(Caller caller, String id) {
        caller.requireAdmin();
        return endpoints.find(caller.siteId(), id).switchIfEmpty(notFound(id));
    }

    public Mono<ListResponse<Endpoint>> list(Caller caller, String status, PageRequest page) {
        caller.requireAdmin();
        if (status != null && !status.equals("enabled") && !status.equals("disabled")) {
            throw ValidationException.of("status", "must be enabled or disabled");
        }
        return endpoints.list(caller.siteId(), status, page).collectList()
                .map(rows -> ListResponse.of(rows, page, Endpoint::id));
    }

    public Mono<Endpoint> update(Caller caller, String id, UnaryOperator<EndpointSpec> change) {
        caller.requireAdmin();
        Mono<Endpoint> work = endpoints.findForUpdate(caller.siteId(), id).switchIfEmpty(notFound(id))
                .flatMap(before -> {
                    EndpointSpec changed = change.apply(before.spec());
                    changed.validate(KNOWN_EVENT_TYPES, caller.livemode()).throwIfAny();
                    EndpointSpec spec = changed.normalized();
                    if (spec.equals(before.spec())) {
                        return Mono.just(before);
                    }
                    Endpoint after = before.withSpec(spec, clock.instant());
                    Mono<Void> check = spec.url().equals(before.spec().url()) ? Mono.empty() : checkAddress(spec.url());
                    return check.then(endpoints.update(after)).thenReturn(after);
                });
        // deliveries this instance queued for the endpoint as it was must not go out (the claims see it as it is)
        return transaction.transactional(work).doOnNext(updated -> queue.forget(id));
    }

    /** Deletes an endpoint with its secrets, deliveries and attempts (events stay). */
    public Mono<Void> delete(Caller caller, String id) {
        caller.requireAdmin();
        return endpoints.delete(caller.siteId(), id)
                .doOnNext(deleted -> queue.forget(id))
                .flatMap(deleted -> deleted > 0 ? Mono.<Void>empty() : notFound(id).then());
    }

    /** Disables by hand: no new deliveries, and its pending ones fail (recover them after enabling). */
    public Mono<Endpoint> disable(Caller caller, String id) {
        caller.requireAdmin();
        Mono<Endpoint> work = endpoints.findForUpdate(caller.siteId(), id).switchIfEmpty(notFound(id))
                .flatMap(before -> {
                    if (!before.enabled()) {
                        return Mono.just(before);
                    }
                    Instant now = clock.instant();
                    Endpoint after = before.disable(DisabledReason.MANUAL, now);
                    return endpoints.update(after)
                            .then(deliveries.failPending(List.of(id), "endpoint disabled by an admin", now))
                            .thenReturn(after);
                });
        return transaction.transactional(work).doOnNext(disabled -> queue.forget(id));
    }

    public Mono<Endpoint> enable(Caller caller, String id) {
        caller.requireAdmin();
        Mono<Endpoint> work = endpoints.findForUpdate(caller.siteId(), id).switchIfEmpty(notFound(id))
                .flatMap(before -> {
                    if (before.enabled()) {
                        return Mono.just(before);
                    }
                    Endpoint after = before.enable(clock.instant());
                    return endpoints.update(after).thenReturn(after);
                });
        return transaction.transactional(work);
    }

    /**
     * Issues a new secret; the active ones keep signing beside it for {@code grace} (the configured default
     * when null).
     */
    public Mono<Rotated> rotateSecret(Caller caller, String id, Duration grace) {
        caller.requireAdmin();
        Duration effective = grace == null ? defaultGrace : grace;
        if (effective.isNegative() || effective.compareTo(SecretRotation.MAX_GRACE) > 0) {
            throw ValidationException.of("grace_period_seconds", "must be between 0 and "
                    + SecretRotation.MAX_GRACE.toSeconds());
        }
        Mono<Rotated> work = endpoints.findForUpdate(caller.siteId(), id).switchIfEmpty(notFound(id))
                .flatMap(endpoint -> endpoints.secrets(id).collectList().flatMap(existing -> {
                    Instant now = clock.instant();
                    String value = WebhookSignature.newSecret();
                    List<Secret> after = SecretRotation.rotate(existing,
                            new Secret(Ids.next("whsk", clock), value, now, null), now, effective);
                    return endpoints.replaceSecrets(id, after)
                            .thenReturn(new Rotated(endpoint, value, now.plus(effective)));
                }));
        return transaction.transactional(work);
    }

    /** Sends a {@code ping} event to the endpoint; returns the delivery id. */
    public Mono<String> ping(Caller caller, String id) {
        caller.requireAdmin();
        return endpoints.find(caller.siteId(), id).switchIfEmpty(notFound(id))
                .flatMap(endpoint -> endpoint.enabled() ? intake.ping(endpoint) : Mono.error(disabled(id)));
    }

    public static ProblemException disabled(String id) {
        return new ProblemException(HttpStatus.CONFLICT, "endpoint-disabled", "Endpoint disabled",
                "The webhook endpoint '" + id + "' is disabled: enable it first", List.of());
    }

    private Mono<Void> checkAddress(String url) {
        return guard.check(WebhookUrl.host(url))
                .onErrorMap(AddressRefusedException.class, e -> ValidationException.of("url", e.getMessage()));
    }

    private static <T> Mono<T> notFound(String id) {
        return Mono.error(() -> ProblemException.notFound("webhook endpoint", id));
    }
}
