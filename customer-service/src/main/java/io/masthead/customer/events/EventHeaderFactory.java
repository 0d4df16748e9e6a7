package io.masthead.customer.events;

import io.masthead.events.EventHeader;
import io.masthead.platform.security.Caller;
import io.masthead.platform.web.Correlation;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Builds the header of this service's events: a fresh id, the site, the change's time, the request id. */
@Component
public class EventHeaderFactory {

    private final String producer;

    public EventHeaderFactory(@Value("${spring.application.name}") String producer) {
        this.producer = producer;
    }

    public Mono<EventHeader> header(String eventType, Caller caller, Instant occurredAt) {
        return Correlation.current().map(Optional::of).defaultIfEmpty(Optional.empty())
                .map(correlation -> EventHeader.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setEventType(eventType)
                        .setSiteId(caller.siteId())
                        .setOccurredAt(occurredAt)
                        .setProducer(producer)
                        .setCorrelationId(correlation.orElse(null))
                        .setLivemode(caller.livemode())
                        .build());
    }
}
