package io.masthead.gateway.apikey.model;

/** A key just created: the only moment its secret exists outside the caller's hands. */
public record IssuedKey(ApiKey key, SecretKey secret) {
}
