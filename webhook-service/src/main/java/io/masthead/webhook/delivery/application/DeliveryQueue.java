package io.masthead.webhook.delivery.application;

import io.masthead.webhook.delivery.infrastructure.ClaimedDelivery;
import java.util.List;

/**
 * This instance's delivery worker as the fan-out sees it: tell it when deliveries may have become due, or
 * hand it new deliveries directly (the hot path, with no claim query): {@link #reserve} room for a delivery
 * before creating it leased, then {@link #handOff} it once created, or {@link #release} the room if it was not.
 */
public interface DeliveryQueue {

    /** Deliveries may have become due (new ones, requeued ones): an in-memory wake-up. */
    void wake();

    /**
     * Takes a place for one delivery to {@code endpointId} in this worker (to start now, or queued in memory
     * while the endpoint is busy); false when there is none.
     */
    boolean reserve(String endpointId);

    /** Gives back places taken by {@link #reserve} for deliveries that were not created. */
    void release(List<String> endpointIds);

    /**
     * The endpoint was disabled, deleted or changed: deliveries this worker holds in memory for it are dropped
     * (their leases bring them back to the claims, which see the endpoint as it is now).
     */
    void forget(String endpointId);

    /** Starts deliveries created under a lease with places taken by {@link #reserve}. */
    void handOff(List<ClaimedDelivery> deliveries);
}
