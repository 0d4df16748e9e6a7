package io.masthead.webhook.signing.model;

/** A stored signing secret that the configured keys cannot decrypt; the message says why, never the value. */
public final class UnreadableSecretException extends RuntimeException {

    private final String endpointId;

    public UnreadableSecretException(String endpointId, String reason) {
        super("the signing secret of endpoint " + endpointId + " cannot be read: " + reason, null, false, false);
        this.endpointId = endpointId;
    }

    public String endpointId() {
        return endpointId;
    }
}
