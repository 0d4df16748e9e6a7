package io.masthead.test.engines;

/** A running Kafka broker (KRaft). It can be stopped and started again on the same port, keeping its data. */
public interface KafkaEngine extends AutoCloseable {

    /** {@code host:port} for {@code bootstrap.servers}; the same across {@link #stop()} and {@link #start()}. */
    String bootstrapServers();

    /** Starts the broker (no-op if running) and returns once it answers. */
    void start();

    /** Stops the broker cleanly, keeping its data. */
    void stop();

    boolean isRunning();

    /** Stops the broker and releases what it holds (temporary data is deleted). */
    @Override
    void close();
}
