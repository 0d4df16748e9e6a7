package io.masthead.platform.outbox;

import java.util.List;

/**
 * Observes the relay between "the batch was acknowledged by Kafka" and "the rows were deleted": the
 * window where a crash makes the relay publish the batch again. Used to inject that crash in tests.
 */
public interface RelayInterceptor {

    RelayInterceptor NONE = ids -> {
    };

    /** Called after every event of the batch was acknowledged, before the rows are deleted. */
    void published(List<Long> outboxIds);
}
