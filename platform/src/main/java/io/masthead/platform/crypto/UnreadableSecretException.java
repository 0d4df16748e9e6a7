package io.masthead.platform.crypto;

/** A value encrypted at rest that the configured keys cannot decrypt; the message says why, never the value. */
public final class UnreadableSecretException extends RuntimeException {

    private final String context;

    /** @param context what the value belongs to (its associated data: an endpoint id, a site and key) */
    public UnreadableSecretException(String context, String reason) {
        super("the value of " + context + " cannot be read: " + reason, null, false, false);
        this.context = context;
    }

    public String context() {
        return context;
    }
}
