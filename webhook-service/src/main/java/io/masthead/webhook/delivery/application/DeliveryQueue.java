package io.masthead.webhook.delivery.application;

/** Something to tell when deliveries may have become due (new ones, requeued ones): an in-memory wake-up. */
public interface DeliveryQueue {

    void wake();
}
