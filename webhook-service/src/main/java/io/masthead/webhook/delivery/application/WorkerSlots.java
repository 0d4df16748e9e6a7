package io.masthead.webhook.delivery.application;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The places of one worker instance: how many attempts run at once (in all, and per endpoint) and, behind
 * them, a short in-memory queue per endpoint for deliveries this instance already holds (created or claimed
 * under its lease) but cannot start yet. A place is <em>held</em> from {@link #reserve} (or {@link #take} for a
 * claimed delivery) until the attempt {@link #finished}; a queued delivery starts as soon as its endpoint and
 * the worker have room, endpoints taking turns. A queued delivery whose lease would no longer cover a whole
 * attempt is dropped from memory instead ({@code expired}): its row becomes due when the lease ends and any
 * worker claims it then, so nothing is lost and nothing is sent twice at once.
 *
 * <p>Thread-safe; every method is short and runs under one lock. Items to start are returned, never started
 * under the lock.
 *
 * @param <T> a delivery
 */
final class WorkerSlots<T> {

    /** The room left for claims: the worker's free places, endpoints with none, endpoints with a few. */
    record Room(int free, List<String> full, Map<String, Integer> partial) {
    }

    private static final class Endpoint<T> {
        final String id;
        int running;
        int held;
        final ArrayDeque<T> queue = new ArrayDeque<>();
        boolean startable;

        Endpoint(String id) {
            this.id = id;
        }
    }

    private final int maxRunning;
    private final int maxRunningPerEndpoint;
    private final int maxHeld;
    private final int maxHeldPerEndpoint;
    private final Function<T, String> endpointOf;
    private final Map<String, Endpoint<T>> endpoints = new HashMap<>();
    /** Endpoints with queued deliveries and a free place of their own, in turn order. */
    private final ArrayDeque<Endpoint<T>> startable = new ArrayDeque<>();
    private int running;
    private int held;
    private int queued;
    private long expired;

    /**
     * @param maxRunning attempts at once, all endpoints together
     * @param maxRunningPerEndpoint attempts at once to one endpoint
     * @param maxQueued deliveries waiting in memory, all endpoints together
     * @param maxQueuedPerEndpoint deliveries waiting in memory for one endpoint
     */
    WorkerSlots(int maxRunning, int maxRunningPerEndpoint, int maxQueued, int maxQueuedPerEndpoint,
            Function<T, String> endpointOf) {
        this.maxRunning = maxRunning;
        this.maxRunningPerEndpoint = maxRunningPerEndpoint;
        this.maxHeld = maxRunning + maxQueued;
        this.maxHeldPerEndpoint = maxRunningPerEndpoint + maxQueuedPerEndpoint;
        this.endpointOf = endpointOf;
    }

    /** Holds a place for a delivery to {@code endpointId} if one is free, to start now or queued; else false. */
    synchronized boolean reserve(String endpointId) {
        Endpoint<T> endpoint = endpoint(endpointId);
        if (held >= maxHeld || endpoint.held >= maxHeldPerEndpoint) {
            return false;
        }
        endpoint.held++;
        held++;
        return true;
    }

    /** Gives back a place held by {@link #reserve} for a delivery that was not created. */
    synchronized void release(String endpointId) {
        Endpoint<T> endpoint = endpoints.get(endpointId);
        endpoint.held--;
        held--;
        forgetIfIdle(endpoint);
    }

    /**
     * Deliveries whose places {@link #reserve} holds: the ones that can start now are returned, the others
     * wait in their endpoint's queue.
     */
    synchronized List<T> admit(List<T> deliveries, Predicate<T> expiredNow) {
        for (T delivery : deliveries) {
            enqueue(endpoint(endpointOf.apply(delivery)), delivery);
        }
        return pump(expiredNow);
    }

    /** Claimed deliveries (the claim took only what {@link #room} left): their places are taken now. */
    synchronized List<T> take(List<T> claimed, Predicate<T> expiredNow) {
        for (T delivery : claimed) {
            Endpoint<T> endpoint = endpoint(endpointOf.apply(delivery));
            endpoint.held++;
            held++;
            enqueue(endpoint, delivery);
        }
        return pump(expiredNow);
    }

    /** An attempt to {@code endpointId} finished: its place is free; returns the deliveries that start now. */
    synchronized List<T> finished(String endpointId, Predicate<T> expiredNow) {
        Endpoint<T> endpoint = endpoints.get(endpointId);
        endpoint.running--;
        endpoint.held--;
        running--;
        held--;
        markStartable(endpoint);
        List<T> start = pump(expiredNow);
        forgetIfIdle(endpoint);
        return start;
    }

    /**
     * What a claim may take now: the places not running nor reserved (queued deliveries do not count: they wait
     * for their own endpoint, and must not keep retries and other endpoints' due work from being claimed),
     * nothing for endpoints whose places are all held, the rest up to their share.
     */
    synchronized Room room() {
        List<String> full = new ArrayList<>();
        Map<String, Integer> partial = new HashMap<>();
        endpoints.forEach((id, endpoint) -> {
            if (endpoint.held >= maxRunningPerEndpoint) {
                full.add(id);
            } else if (endpoint.held > 0) {
                partial.put(id, maxRunningPerEndpoint - endpoint.held);
            }
        });
        return new Room(Math.max(0, maxRunning - (held - queued)), full, partial);
    }

    /** Forgets every queued delivery (at shutdown: their leases bring them back); returns how many. */
    synchronized int clearQueues() {
        int dropped = queued;
        List.copyOf(endpoints.values()).forEach(this::clearQueue);
        startable.clear();
        return dropped;
    }

    /**
     * Forgets the deliveries queued for one endpoint (disabled, deleted or changed: they must not go out as
     * they were; their leases bring them back to the claims, which see the endpoint as it is now).
     */
    synchronized int clearQueue(String endpointId) {
        Endpoint<T> endpoint = endpoints.get(endpointId);
        return endpoint == null ? 0 : clearQueue(endpoint);
    }

    private int clearQueue(Endpoint<T> endpoint) {
        int dropped = endpoint.queue.size();
        endpoint.queue.clear();
        endpoint.held -= dropped;
        held -= dropped;
        queued -= dropped;
        startable.remove(endpoint);
        endpoint.startable = false;
        forgetIfIdle(endpoint);
        return dropped;
    }

    synchronized int running() {
        return running;
    }

    synchronized int queued() {
        return queued;
    }

    /** Queued deliveries dropped so far because their lease ran short (they wait for a claim instead). */
    synchronized long expired() {
        return expired;
    }

    private Endpoint<T> endpoint(String endpointId) {
        return endpoints.computeIfAbsent(endpointId, Endpoint::new);
    }

    private void enqueue(Endpoint<T> endpoint, T delivery) {
        endpoint.queue.addLast(delivery);
        queued++;
        markStartable(endpoint);
    }

    private void markStartable(Endpoint<T> endpoint) {
        if (!endpoint.startable && !endpoint.queue.isEmpty() && endpoint.running < maxRunningPerEndpoint) {
            endpoint.startable = true;
            startable.addLast(endpoint);
        }
    }

    /** Starts queued deliveries while there is room, one endpoint after the other. */
    private List<T> pump(Predicate<T> expiredNow) {
        List<T> start = new ArrayList<>();
        while (running < maxRunning && !startable.isEmpty()) {
            Endpoint<T> endpoint = startable.pollFirst();
            endpoint.startable = false;
            T next = endpoint.queue.pollFirst();
            if (next == null) {
                continue;
            }
            queued--;
            if (expiredNow.test(next)) {
                endpoint.held--;
                held--;
                expired++;
                markStartable(endpoint);
                forgetIfIdle(endpoint);
                continue;
            }
            endpoint.running++;
            running++;
            start.add(next);
            markStartable(endpoint);
        }
        return start;
    }

    private void forgetIfIdle(Endpoint<T> endpoint) {
        if (endpoint.held == 0 && endpoint.queue.isEmpty()) {
            endpoints.remove(endpoint.id);
        }
    }
}
