package io.masthead.gateway.auth.application;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.masthead.gateway.apikey.application.ApiKeyService;
import io.masthead.gateway.apikey.model.ApiKeyRevoked;
import io.masthead.gateway.apikey.model.AuthenticatedKey;
import org.springframework.context.event.EventListener;
import reactor.core.publisher.Mono;

/**
 * Resolves a secret or publishable key to its site. Successful lookups are cached for {@link AuthProperties#cacheTtl()}
 * (keyed by the key's hash, never the secret), so a busy client costs one query per window, and
 * concurrent first requests share one query. Failed lookups are not cached. A key revoked through this
 * instance is dropped at once; through another instance it keeps working until its entry expires.
 */
public class ApiKeyAuthenticator {

    private final ApiKeyService apiKeys;
    private final AsyncCache<String, AuthenticatedKey> cache;

    public ApiKeyAuthenticator(ApiKeyService apiKeys, AuthProperties properties) {
        this.apiKeys = apiKeys;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(properties.cacheTtl())
                .maximumSize(properties.cacheSize())
                .buildAsync();
    }

    /** The site, mode and kind of the key with this hash; empty when the key is unknown or revoked. */
    public Mono<AuthenticatedKey> authenticate(String keyHash) {
        // A lookup that completes empty yields a null value, which Caffeine does not keep.
        return Mono.fromFuture(() -> cache.get(keyHash,
                (hash, executor) -> apiKeys.authenticate(hash).toFuture()), true);
    }

    @EventListener
    public void on(ApiKeyRevoked revoked) {
        cache.synchronous().asMap().values().removeIf(key -> key.keyId().equals(revoked.keyId()));
    }
}
