package io.masthead.gateway.apikey.model;

/** Published in-process when a key is revoked, so caches of authenticated keys drop it at once. */
public record ApiKeyRevoked(String keyId) {
}
