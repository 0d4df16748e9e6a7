package io.masthead.webhook.delivery.application;

import io.masthead.platform.id.Ids;
import io.masthead.webhook.delivery.infrastructure.AttemptResult;
import io.masthead.webhook.delivery.infrastructure.ClaimedDelivery;
import io.masthead.webhook.delivery.infrastructure.DeliveryMetrics;
import io.masthead.webhook.delivery.infrastructure.DeliveryRepository;
import io.masthead.webhook.delivery.infrastructure.WebhookSender;
import io.masthead.webhook.delivery.model.Attempt;
import io.masthead.webhook.delivery.model.AttemptOutcome;
import io.masthead.webhook.delivery.model.DeliveryStatus;
import io.masthead.webhook.delivery.model.RetryPolicy;
import io.masthead.webhook.delivery.model.RetryPolicy.Decision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * The delivery worker. New deliveries reach it straight from the fan-out, already leased to this instance
 * (the hot path: no claim query); everything else — retries, backlogs, ordered endpoints, the work of an
 * instance that died — it claims from PostgreSQL (rows with a due time, {@code FOR NO KEY UPDATE SKIP LOCKED},
 * leased) as long as there is room. Attempts run without blocking on the HTTP client's event loops. Room is
 * bounded globally and per endpoint ({@link WorkerSlots}: the claim skips endpoints that are full, and
 * deliveries handed over while their endpoint is busy wait in a short in-memory queue), so a slow or dead
 * endpoint holds at most its own share. One thread claims when told that deliveries became due (a fan-out
 * that could not hand everything over, a requeue, an ordered delivery recorded, room freed while due work
 * waited) and otherwise every poll interval; the database stays the source of truth, memory only cuts latency.
 */
public class Dispatcher implements SmartLifecycle, DeliveryQueue {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration METRICS_REFRESH = Duration.ofSeconds(5);
    /** When due work waits for room, finished attempts wake a claim at most this often. */
    private static final Duration ROOM_COALESCING = Duration.ofMillis(100);

    /**
     * Limits and timings of the worker.
     *
     * @param maxQueued deliveries held in memory, all endpoints together, while their endpoints are busy
     * @param maxQueuedPerEndpoint the same for one endpoint; beyond these, new deliveries wait in the database
     * @param attemptTimeout the longest an attempt can take ({@code WebhookSender.longestAttempt}): a queued
     *        delivery starts only while its lease still covers that, with a margin
     */
    public record Settings(int maxConcurrency, int maxConcurrencyPerEndpoint, int maxQueued, int maxQueuedPerEndpoint,
            int claimBatchSize, Duration lease, Duration attemptTimeout, Duration pollInterval, boolean enabled) {
    }

    /**
     * Kept free at the end of a lease, beyond the longest attempt, for recording its result (at most half of what
     * the lease leaves over the longest attempt).
     */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(15);
    private static final ThreadLocal<ArrayDeque<ClaimedDelivery>> STARTING = new ThreadLocal<>();

    private final DeliveryRepository deliveries;
    private final WebhookSender sender;
    private final RetryPolicy policy;
    private final AttemptRecorder recorder;
    private final DeliveryMetrics metrics;
    private final Clock clock;
    private final Settings settings;

    private final WorkerSlots<ClaimedDelivery> slots;
    private final Duration leaseNeeded;
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    /** Whether the last claim stopped for lack of room: only then does a finished attempt call for a claim. */
    private volatile boolean roomBound;
    private final Disposable.Composite attempts = Disposables.composite();
    private volatile boolean running;
    private volatile Thread thread;
    private long lastMetricsNanos;

    public Dispatcher(DeliveryRepository deliveries, WebhookSender sender,
            RetryPolicy policy, AttemptRecorder recorder, MeterRegistry meters, Clock clock, Settings settings) {
        this.deliveries = deliveries;
        this.sender = sender;
        this.policy = policy;
        this.recorder = recorder;
        this.slots = new WorkerSlots<>(settings.maxConcurrency(), settings.maxConcurrencyPerEndpoint(),
                settings.maxQueued(), settings.maxQueuedPerEndpoint(), ClaimedDelivery::endpointId);
        // the lease is longer than an attempt can take (checked at start-up); a margin of what is left over
        Duration spare = settings.lease().minus(settings.attemptTimeout());
        Duration margin = spare.dividedBy(2).compareTo(LEASE_MARGIN) < 0 ? spare.dividedBy(2) : LEASE_MARGIN;
        this.leaseNeeded = settings.attemptTimeout().plus(margin);
        this.metrics = new DeliveryMetrics(meters, slots::running, slots::queued, recorder::backlog);
        this.clock = clock;
        this.settings = settings;
        recorder.afterWrite((batch, disabled) -> {
            // deliveries queued for an endpoint disabled now must not go out
            disabled.forEach(this::forget);
            // an ordered delivery's result may let its successor become due; nothing else a batch writes does
            if (batch.stream().anyMatch(AttemptResult::ordered)) {
                wake();
            }
        });
    }

    @Override
    public void wake() {
        wakeRequested.set(true);
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Attempts in flight now in this instance. */
    public int inflight() {
        return slots.running();
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("webhook-dispatcher").daemon().start(this::run);
    }

    /**
     * Stops claiming, gives the attempts in flight a few seconds, then abandons the rest: their deliveries are
     * still leased in the database and will be attempted again, with the same webhook-id, when the lease ends.
     */
    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int forgotten = slots.clearQueues();
        if (forgotten > 0) {
            log.info("Stopping with {} deliveries queued in memory: their leases bring them back", forgotten);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (slots.running() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        attempts.dispose();
        thread = null;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }

    private void run() {
        while (running) {
            if (!wakeRequested.getAndSet(false)) {
                LockSupport.parkNanos(settings.pollInterval().toNanos());
                wakeRequested.set(false);
            }
            if (roomBound) {
                // deliveries are waiting for room: let more attempts finish, so that one claim fills the room of
                // many (a claim per finished attempt would cost the database more than the attempts themselves)
                LockSupport.parkNanos(ROOM_COALESCING.toNanos());
            }
            if (!running) {
                break;
            }
            try {
                dispatchDue();
                refreshMetrics();
            } catch (RuntimeException e) {
                log.warn("Claiming due deliveries failed, retrying: {}", e.toString());
                LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
            }
        }
    }

    private void dispatchDue() {
        while (running) {
            WorkerSlots.Room room = slots.room();
            roomBound = !room.full().isEmpty();
            if (room.free() <= 0) {
                roomBound = true;
                return;
            }
            int limit = Math.min(room.free(), settings.claimBatchSize());
            Instant now = clock.instant();
            List<ClaimedDelivery> claimed = deliveries.claim(now, now.plus(settings.lease()), limit,
                    settings.maxConcurrencyPerEndpoint(), room.full(), room.partial())
                    .collectList().block(Duration.ofSeconds(30));
            if (claimed == null || claimed.isEmpty()) {
                return;
            }
            startAll(slots.take(claimed, this::leaseTooShort));
            // an endpoint that reached its share may have more due work left behind
            roomBound = roomBound || slots.room().full().stream().anyMatch(
                    full -> claimed.stream().anyMatch(c -> c.endpointId().equals(full)));
            if (claimed.size() < limit) {
                return;
            }
        }
    }

    @Override
    public boolean reserve(String endpointId) {
        return running && slots.reserve(endpointId);
    }

    @Override
    public void release(List<String> endpointIds) {
        endpointIds.forEach(slots::release);
        if (!endpointIds.isEmpty() && roomBound) {
            wake(); // room was what held due deliveries back
        }
    }

    @Override
    public void forget(String endpointId) {
        int dropped = slots.clearQueue(endpointId);
        if (dropped > 0) {
            log.info("Endpoint {} changed: {} deliveries queued for it are left to the claims", endpointId, dropped);
        }
    }

    @Override
    public void handOff(List<ClaimedDelivery> deliveries) {
        if (!running) {
            // stopping: their leases bring them back to the claims
            deliveries.forEach(d -> slots.release(d.endpointId()));
        } else if (!deliveries.isEmpty()) {
            startAll(slots.admit(deliveries, this::leaseTooShort));
        }
    }

    /** A delivery whose lease would end before an attempt could: left to the claims once the lease is over. */
    private boolean leaseTooShort(ClaimedDelivery delivery) {
        return clock.instant().plus(leaseNeeded).isAfter(delivery.leaseUntil());
    }

    /**
     * Starts attempts whose places are taken. An attempt that ends at once (no secret, say) frees its place and
     * may start the next from within: those are started here, in a loop, not by recursion.
     */
    private void startAll(List<ClaimedDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        ArrayDeque<ClaimedDelivery> pending = STARTING.get();
        if (pending != null) {
            pending.addAll(deliveries);
            return;
        }
        pending = new ArrayDeque<>(deliveries);
        STARTING.set(pending);
        try {
            for (ClaimedDelivery next = pending.poll(); next != null; next = pending.poll()) {
                attempt(next);
            }
        } finally {
            STARTING.remove();
        }
    }

    /** Starts an attempt whose place is taken. */
    private void attempt(ClaimedDelivery delivery) {
        List<String> secrets = delivery.secrets();
        Instant attemptedAt = clock.instant();
        if (secrets.isEmpty()) {
            complete(delivery, attemptedAt, AttemptOutcome.failure(AttemptOutcome.Kind.CONNECTION_ERROR,
                    "the endpoint has no active signing secret", 0));
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        Disposable[] handle = new Disposable[1];
        handle[0] = sender.send(delivery.url(), delivery.eventId(), delivery.payload(), secrets)
                .subscribe(outcome -> {
                    if (done.compareAndSet(false, true)) {
                        complete(delivery, attemptedAt, outcome);
                        if (handle[0] != null) {
                            attempts.remove(handle[0]);
                        }
                    }
                }, error -> {
                    if (done.compareAndSet(false, true)) {
                        complete(delivery, attemptedAt, AttemptOutcome.failure(AttemptOutcome.Kind.CONNECTION_ERROR,
                                error.toString(), 0));
                        if (handle[0] != null) {
                            attempts.remove(handle[0]);
                        }
                    }
                });
        if (!done.get()) {
            attempts.add(handle[0]);
        }
    }

    private void complete(ClaimedDelivery delivery, Instant attemptedAt, AttemptOutcome outcome) {
        try {
            Decision decision = policy.decide(delivery.roundAttempts() + 1, outcome,
                    () -> ThreadLocalRandom.current().nextDouble());
            Instant now = clock.instant();
            DeliveryStatus status;
            Instant next = null;
            boolean disable = false;
            switch (decision) {
                case Decision.Succeeded s -> status = DeliveryStatus.SUCCEEDED;
                case Decision.RetryIn retry -> {
                    status = DeliveryStatus.PENDING;
                    next = now.plus(retry.delay());
                }
                case Decision.GiveUp g -> status = DeliveryStatus.FAILED;
                case Decision.DisableEndpoint d -> {
                    status = DeliveryStatus.FAILED;
                    disable = true;
                }
            }
            Attempt attempt = new Attempt(Ids.next(Attempt.ID_PREFIX, clock), delivery.siteId(), delivery.id(),
                    delivery.endpointId(), delivery.eventId(), delivery.attemptCount() + 1, delivery.url(), attemptedAt,
                    outcome.durationMillis(), outcome.statusCode(), outcome.succeeded(), outcome.error(),
                    outcome.responseBody());
            metrics.attempt(outcome, Duration.between(delivery.occurredAt(), attemptedAt), delivery.firstAttempt());
            if (status != DeliveryStatus.PENDING) {
                metrics.finished(status == DeliveryStatus.SUCCEEDED);
            }
            recorder.add(new AttemptResult(attempt, status, next, disable, delivery.ordered(), delivery.leaseToken()));
        } finally {
            if (running) {
                startAll(slots.finished(delivery.endpointId(), this::leaseTooShort));
            } else {
                slots.finished(delivery.endpointId(), d -> true);
            }
            if (roomBound) {
                wake(); // room was what held due deliveries back
            }
        }
    }

    private void refreshMetrics() {
        long nowNanos = System.nanoTime();
        if (nowNanos - lastMetricsNanos < METRICS_REFRESH.toNanos()) {
            return;
        }
        lastMetricsNanos = nowNanos;
        Instant now = clock.instant();
        deliveries.dueQueue(now).blockOptional(Duration.ofSeconds(10)).ifPresent(queue -> metrics.dueQueue(
                queue.depth(), queue.oldestDueAt() == null ? Duration.ZERO : Duration.between(queue.oldestDueAt(), now)));
    }
}
