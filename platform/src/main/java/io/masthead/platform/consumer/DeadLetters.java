package io.masthead.platform.consumer;

/** The dead-letter topic of a topic and the headers a dead-lettered record carries (UTF-8 text, readable in kcat). */
public final class DeadLetters {

    public static final String SUFFIX = ".dlt";
    /** Why: {@code poison} and the classification's summary (the root cause's message). */
    public static final String REASON = "dlt.reason";
    public static final String EXCEPTION = "dlt.exception";
    public static final String MESSAGE = "dlt.message";
    public static final String ORIGIN_TOPIC = "dlt.origin.topic";
    public static final String ORIGIN_PARTITION = "dlt.origin.partition";
    public static final String ORIGIN_OFFSET = "dlt.origin.offset";
    public static final String ORIGIN_TIMESTAMP = "dlt.origin.timestamp";
    public static final String GROUP = "dlt.group";
    /** Every header the platform adds starts with this; a replay removes them. */
    public static final String PREFIX = "dlt.";

    private DeadLetters() {
    }

    public static String topicOf(String topic) {
        return topic + SUFFIX;
    }
}
