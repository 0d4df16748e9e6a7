package io.masthead.platform.kafka;

/**
 * A topic a service writes (one writer per topic). Declare one as a bean and it is created at start-up
 * with these partitions and {@code masthead.kafka.replication-factor} replicas.
 */
public record TopicDefinition(String name, int partitions) {
}
