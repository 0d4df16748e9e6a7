package io.masthead.gateway.testclock.application;

import io.masthead.events.Topics;
import io.masthead.events.site.TestClockReady;
import io.masthead.gateway.testclock.model.TestClock;
import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.outbox.OutboxMessage;
import java.time.Instant;
import java.util.UUID;
import reactor.core.publisher.Mono;

/** The test clock's events on {@code sites.v1}, keyed by the site id, through the outbox. */
public class TestClockEvents {

    public static final String READY = "test_clock.ready";

    private final Outbox outbox;
    private final EventHeaderFactory headers;

    public TestClockEvents(Outbox outbox, EventHeaderFactory headers) {
        this.outbox = outbox;
        this.headers = headers;
    }

    /** {@code test_clock.ready} for a clock that reached its target; its time is the site's (the target). */
    public Mono<Void> ready(TestClock clock, Instant wall) {
        Instant now = clock.now(wall);
        return headers.header(READY, clock.siteId(), false, now)
                .flatMap(header -> outbox.append(new OutboxMessage(UUID.fromString(header.getEventId()), READY,
                        Topics.SITES.topicName(), clock.siteId(), TestClockReady.newBuilder()
                                .setHeader(header)
                                .setTestClock(io.masthead.events.site.TestClock.newBuilder()
                                        .setSiteId(clock.siteId())
                                        .setNow(now)
                                        .setStatus(clock.status().value())
                                        .build())
                                .build())));
    }
}
