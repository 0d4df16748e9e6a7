package io.masthead.platform.consumer;

/**
 * A record that can never be processed, however often it is retried: it is not in the wire format, its bytes do
 * not decode with the schema they name, the registry says its schema id does not exist, a header every event has
 * is missing, or its effects are refused for what the record says. The platform's error handler sends it to
 * {@code <topic>.dlt} instead of retrying; every other failure is retried and holds the partition. A consumer's
 * effects throw it (or a subclass) when they know the record itself is at fault.
 */
public class PoisonRecordException extends RuntimeException {

    public PoisonRecordException(String message) {
        super(message);
    }

    public PoisonRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
