package io.masthead.platform.events;

import io.masthead.events.EventHeader;
import io.masthead.platform.security.Caller;
import io.masthead.platform.web.Correlation;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import reactor.core.publisher.Mono;

/**
 * Builds the header of a service's events: a fresh id, the site, the change's time, the producing service, the
 * request id (correlation) and the site's mode. One bean per service ({@link EventsAutoConfiguration}).
 */
public class EventHeaderFactory {

    private final String producer;

    public EventHeaderFactory(String producer) {
        this.producer = producer;
    }

    public String producer() {
        return producer;
    }

    /** The header of an event caused by {@code caller}'s request. */
    public Mono<EventHeader> header(String eventType, Caller caller, Instant occurredAt) {
        return header(eventType, caller.siteId(), caller.livemode(), occurredAt);
    }

    /** The header of an event of site {@code siteId} (due work, a consumed event, a job). */
    public Mono<EventHeader> header(String eventType, String siteId, boolean livemode, Instant occurredAt) {
        return Correlation.current().map(Optional::of).defaultIfEmpty(Optional.empty())
                .map(correlation -> EventHeader.newBuilder()
                        .setEventId(UUID.randomUUID().toString())
                        .setEventType(eventType)
                        .setSiteId(siteId)
                        .setOccurredAt(occurredAt)
                        .setProducer(producer)
                        .setCorrelationId(correlation.orElse(null))
                        .setLivemode(livemode)
                        .build());
    }
}
