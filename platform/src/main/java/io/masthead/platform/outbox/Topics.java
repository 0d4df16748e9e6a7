package io.masthead.platform.outbox;

/**
 * Whether a topic exists, asked of Kafka before the relay first sends to it: a send to a missing topic (topics are
 * not auto-created) would only time out, like a send while Kafka is away, and the row could never be told apart.
 */
@FunctionalInterface
public interface Topics {

    /** Every topic exists (no check). */
    Topics ANY = topic -> true;

    /**
     * @return false when Kafka says the topic does not exist
     * @throws Exception when Kafka cannot be asked (the relay's round then fails and is retried)
     */
    boolean exists(String topic) throws Exception;
}
