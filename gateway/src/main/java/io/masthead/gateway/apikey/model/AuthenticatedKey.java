package io.masthead.gateway.apikey.model;

/**
 * What a successful key lookup yields: the key, its site and mode, and its kind ({@link ApiKey#KIND_SECRET}: the
 * site's admin; {@link ApiKey#KIND_PUBLISHABLE}: customer login only).
 */
public record AuthenticatedKey(String keyId, String siteId, boolean livemode, String kind) {

    public boolean secret() {
        return ApiKey.KIND_SECRET.equals(kind);
    }

    public boolean publishable() {
        return ApiKey.KIND_PUBLISHABLE.equals(kind);
    }
}
