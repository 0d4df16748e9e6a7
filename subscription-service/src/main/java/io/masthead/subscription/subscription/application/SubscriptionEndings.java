package io.masthead.subscription.subscription.application;

import io.masthead.subscription.subscription.model.Subscription;
import java.time.Instant;
import reactor.core.publisher.Mono;

/**
 * What another concept does when a cancellation ends a subscription (a request, a bulk cancellation, a change of
 * plan, a group's cascade), inside the cancellation's transaction with the row locked: e.g. the pause concept closes
 * the pause the subscription was in and removes its automatic resume.
 */
public interface SubscriptionEndings {

    /** {@code before} was ended by a cancellation at {@code now} and is {@code after} now (written already). */
    Mono<Void> ended(Subscription before, Subscription after, Instant now);
}
