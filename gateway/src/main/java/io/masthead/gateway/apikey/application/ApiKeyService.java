package io.masthead.gateway.apikey.application;

import io.masthead.gateway.apikey.infrastructure.ApiKeyRepository;
import io.masthead.gateway.apikey.model.ApiKey;
import io.masthead.gateway.apikey.model.ApiKeyRevoked;
import io.masthead.gateway.apikey.model.AuthenticatedKey;
import io.masthead.gateway.apikey.model.IssuedKey;
import io.masthead.gateway.apikey.model.PublishableKey;
import io.masthead.gateway.apikey.model.SecretKey;
import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** Issuing, listing and revoking a site's secret and publishable keys. Every operation is scoped to the caller's site. */
@Service
public class ApiKeyService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiKeyRepository keys;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    public ApiKeyService(ApiKeyRepository keys, Clock clock, ApplicationEventPublisher events) {
        this.keys = keys;
        this.clock = clock;
        this.events = events;
    }

    /** A new secret key for the caller's site, in the caller's mode. */
    public Mono<IssuedKey> create(Caller caller) {
        return create(caller, ApiKey.KIND_SECRET);
    }

    /** A new key of {@code kind} ({@link ApiKey#KIND_SECRET} or {@link ApiKey#KIND_PUBLISHABLE}) for the caller's site. */
    public Mono<IssuedKey> create(Caller caller, String kind) {
        return requireAdmin(caller).then(Mono.defer(() -> ApiKey.KIND_PUBLISHABLE.equals(kind)
                ? issuePublishable(caller.siteId(), caller.livemode())
                : issue(caller.siteId(), caller.livemode())));
    }

    private Mono<IssuedKey> issuePublishable(String siteId, boolean livemode) {
        return Mono.defer(() -> {
            PublishableKey publishable = PublishableKey.generate(livemode, RANDOM);
            ApiKey key = ApiKey.issue(Ids.next(ApiKey.ID_PREFIX, clock), siteId, publishable, now());
            return keys.insert(key).thenReturn(new IssuedKey(key, null, publishable));
        });
    }

    /** Stores a new random key for a site (joins the surrounding transaction, if any). */
    public Mono<IssuedKey> issue(String siteId, boolean livemode) {
        return Mono.defer(() -> store(siteId, SecretKey.generate(livemode, RANDOM)));
    }

    /** Stores a key whose secret is already known (the dev-site key file). */
    public Mono<IssuedKey> store(String siteId, SecretKey secret) {
        return Mono.defer(() -> {
            ApiKey key = ApiKey.issue(Ids.next(ApiKey.ID_PREFIX, clock), siteId, secret, now());
            return keys.insert(key).thenReturn(new IssuedKey(key, secret));
        });
    }

    public Mono<ListResponse<ApiKey>> list(Caller caller, PageRequest page) {
        if (page.startingAfter() != null && !Ids.looksLike(ApiKey.ID_PREFIX, page.startingAfter())) {
            return Mono.error(ValidationException.of("starting_after", "must be the id of an API key"));
        }
        return requireAdmin(caller)
                .thenMany(keys.list(caller.siteId(), page.startingAfter(), page.fetchSize()))
                .collectList()
                .map(fetched -> ListResponse.of(fetched, page, ApiKey::id));
    }

    /** Revokes one of the caller's site's keys; revoking a revoked key changes nothing. */
    public Mono<ApiKey> revoke(Caller caller, String id) {
        Mono<ApiKey> notFound = Mono.error(() -> ProblemException.notFound("API key", id));
        if (!Ids.looksLike(ApiKey.ID_PREFIX, id)) {
            return notFound;
        }
        return requireAdmin(caller)
                .then(keys.revoke(caller.siteId(), id, now()))
                .switchIfEmpty(notFound)
                .doOnNext(key -> events.publishEvent(new ApiKeyRevoked(key.id())));
    }

    /** The active key (secret or publishable) with this hash, marking it used; empty when unknown or revoked. */
    public Mono<AuthenticatedKey> authenticate(String hash) {
        return Mono.defer(() -> keys.authenticate(hash, now()));
    }

    /** Whether a key with this secret exists, revoked or not. */
    public Mono<Boolean> exists(SecretKey secret) {
        return keys.exists(secret);
    }

    private static Mono<Void> requireAdmin(Caller caller) {
        return caller.isAdmin() ? Mono.empty()
                : Mono.error(() -> ProblemException.forbidden("Only a secret API key can manage API keys"));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
