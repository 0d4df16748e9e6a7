package io.masthead.subscription.events;

import io.masthead.events.EventHeader;
import io.masthead.events.Topics;
import io.masthead.platform.kafka.TopicDefinition;
import io.masthead.platform.outbox.OutboxMessage;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** This service is the one writer of {@code subscriptions.v1}. */
@Configuration(proxyBeanMethods = false)
public class SubscriptionTopic {

    public static final Topics TOPIC = Topics.SUBSCRIPTIONS;

    @Bean
    TopicDefinition subscriptionsTopic() {
        return new TopicDefinition(TOPIC.topicName(), TOPIC.partitions());
    }

    /** An outbox message for an event of this topic, keyed by {@code key} (the customer id). */
    public static OutboxMessage message(EventHeader header, String key, SpecificRecord event) {
        if (!TOPIC.carries(event)) {
            throw new IllegalArgumentException(event.getSchema().getFullName() + " is not an event of " + TOPIC);
        }
        return new OutboxMessage(UUID.fromString(header.getEventId()), header.getEventType(), TOPIC.topicName(), key,
                event);
    }
}
