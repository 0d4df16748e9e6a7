package io.masthead.gateway.apikey.model;

/**
 * A key just created: the only moment its text exists outside the caller's hands. {@code secret} is the secret
 * key's, or null for a publishable key, whose text is in {@code publishable}.
 */
public record IssuedKey(ApiKey key, SecretKey secret, PublishableKey publishable) {

    public IssuedKey(ApiKey key, SecretKey secret) {
        this(key, secret, null);
    }

    /** The key's text, whatever its kind. */
    public String reveal() {
        return secret != null ? secret.reveal() : publishable.reveal();
    }
}
