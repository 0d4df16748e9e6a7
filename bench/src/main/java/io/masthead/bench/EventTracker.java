package io.masthead.bench;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Matches the customers created over HTTP with their events on Kafka, by id (= the record key), whatever
 * arrives first: the 201 or the event. All times are {@link System#nanoTime()} of this process.
 */
final class EventTracker {

    /** The events expected by one phase. */
    static final class PhaseEvents {
        final Latencies afterResponse = new Latencies();
        final Latencies afterRequestStart = new Latencies();
        final AtomicLong expected = new AtomicLong();
        final AtomicLong matched = new AtomicLong();
        /** Events received before the 201 (their receive - response is negative and recorded as 0). */
        final AtomicLong beforeResponse = new AtomicLong();

        long missing() {
            return Math.max(0, expected.get() - matched.get());
        }

        void record(long requestStart, long response, long receive) {
            long afterResponse = receive - response;
            if (afterResponse < 0) {
                beforeResponse.incrementAndGet();
            }
            this.afterResponse.recordNanos(Math.max(0, afterResponse));
            afterRequestStart.recordNanos(Math.max(0, receive - requestStart));
            matched.incrementAndGet();
        }
    }

    /** A customer whose 201 arrived; {@code events} is null for warm-up requests (matched, not recorded). */
    private record Responded(long requestStart, long response, PhaseEvents events) {
    }

    /** An event whose 201 has not arrived (yet, or ever: another client's customer). */
    private record Received(long receive) {
    }

    private final ConcurrentHashMap<String, Object> waiting = new ConcurrentHashMap<>();

    /** The 201 for customer {@code id} arrived at {@code response}; the request was due at {@code requestStart}. */
    void responded(String id, long requestStart, long response, PhaseEvents events) {
        if (events != null) {
            events.expected.incrementAndGet();
        }
        Received[] early = new Received[1];
        waiting.compute(id, (key, current) -> {
            if (current instanceof Received received) {
                early[0] = received;
                return null;
            }
            return new Responded(requestStart, response, events);
        });
        if (early[0] != null && events != null) {
            events.record(requestStart, response, early[0].receive());
        }
    }

    /** The event keyed {@code id} was received at {@code receive}. Only the first event of a key counts. */
    void received(String id, long receive) {
        Responded[] match = new Responded[1];
        waiting.compute(id, (key, current) -> {
            if (current instanceof Responded responded) {
                match[0] = responded;
                return null;
            }
            return current != null ? current : new Received(receive);
        });
        Responded r = match[0];
        if (r != null && r.events() != null) {
            r.events().record(r.requestStart(), r.response(), receive);
        }
    }

    /**
     * Forgets what a finished phase still waits for, and events received before {@code olderThan} that matched
     * nothing (other clients' customers), so the map stays bounded.
     */
    void forget(PhaseEvents events, long olderThan) {
        waiting.values().removeIf(v -> v instanceof Responded r && r.events() == events
                || v instanceof Received e && e.receive() - olderThan < 0);
    }

    /** Warm-up requests still waiting (forgotten together with the phase that owned them). */
    void forgetWarmup() {
        waiting.values().removeIf(v -> v instanceof Responded r && r.events() == null);
    }

    int size() {
        return waiting.size();
    }
}
