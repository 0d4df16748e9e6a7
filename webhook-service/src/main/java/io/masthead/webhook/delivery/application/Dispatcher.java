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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * The delivery worker. One thread claims due deliveries from PostgreSQL (rows with a due time, {@code FOR
 * UPDATE SKIP LOCKED}, leased) as long as there is room, and starts their attempts, which run without blocking
 * on the HTTP client's event loops. Room is bounded globally and per endpoint (the claim itself skips
 * endpoints that are full), so a slow or dead endpoint holds at most its own share. It wakes when told (new
 * or requeued deliveries, a finished attempt, a recorded batch) and otherwise every poll interval; the
 * database stays the source of truth, the wake-ups only cut latency.
 */
public class Dispatcher implements SmartLifecycle, DeliveryQueue {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration METRICS_REFRESH = Duration.ofSeconds(5);
    private static final Duration ROOM_COALESCING = Duration.ofMillis(10);

    /** Limits and timings of the worker. */
    public record Settings(int maxConcurrency, int maxConcurrencyPerEndpoint, int claimBatchSize, Duration lease,
            Duration pollInterval, boolean enabled) {
    }

    private final DeliveryRepository deliveries;
    private final WebhookSender sender;
    private final RetryPolicy policy;
    private final AttemptRecorder recorder;
    private final DeliveryMetrics metrics;
    private final Clock clock;
    private final Settings settings;

    private final AtomicInteger inflight = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> inflightByEndpoint = new ConcurrentHashMap<>();
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
        this.metrics = new DeliveryMetrics(meters, inflight::get);
        this.clock = clock;
        this.settings = settings;
        recorder.afterWrite(this::wake);
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
        return inflight.get();
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
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (inflight.get() > 0 && System.nanoTime() < deadline) {
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
            int room = settings.maxConcurrency() - inflight.get();
            if (room <= 0) {
                roomBound = true;
                return;
            }
            int limit = Math.min(room, settings.claimBatchSize());
            Instant now = clock.instant();
            List<String> full = new ArrayList<>();
            Map<String, Integer> partial = new HashMap<>();
            inflightByEndpoint.forEach((endpoint, count) -> {
                int busy = count.get();
                if (busy >= settings.maxConcurrencyPerEndpoint()) {
                    full.add(endpoint);
                } else if (busy > 0) {
                    partial.put(endpoint, settings.maxConcurrencyPerEndpoint() - busy);
                }
            });
            roomBound = !full.isEmpty();
            List<ClaimedDelivery> claimed = deliveries.claim(now, now.plus(settings.lease()), limit,
                    settings.maxConcurrencyPerEndpoint(), full, partial).collectList().block(Duration.ofSeconds(30));
            if (claimed == null || claimed.isEmpty()) {
                return;
            }
            for (ClaimedDelivery delivery : claimed) {
                start(delivery);
            }
            // an endpoint that reached its share may have more due work left behind
            roomBound = roomBound || claimed.stream().map(ClaimedDelivery::endpointId).distinct()
                    .anyMatch(e -> inflightByEndpoint.get(e).get() >= settings.maxConcurrencyPerEndpoint());
            if (claimed.size() < limit) {
                return;
            }
        }
    }

    @Override
    public boolean reserve(String endpointId) {
        if (!running) {
            return false;
        }
        AtomicInteger endpoint = inflightByEndpoint.computeIfAbsent(endpointId, k -> new AtomicInteger());
        if (inflight.incrementAndGet() > settings.maxConcurrency()) {
            inflight.decrementAndGet();
            return false;
        }
        if (endpoint.incrementAndGet() > settings.maxConcurrencyPerEndpoint()) {
            endpoint.decrementAndGet();
            inflight.decrementAndGet();
            return false;
        }
        return true;
    }

    @Override
    public void release(List<String> endpointIds) {
        for (String endpointId : endpointIds) {
            inflightByEndpoint.get(endpointId).decrementAndGet();
            inflight.decrementAndGet();
        }
        if (!endpointIds.isEmpty()) {
            wake();
        }
    }

    @Override
    public void handOff(List<ClaimedDelivery> deliveries) {
        deliveries.forEach(this::attempt);
    }

    /** Starts a claimed delivery's attempt, taking its place in the limits. */
    private void start(ClaimedDelivery delivery) {
        inflight.incrementAndGet();
        inflightByEndpoint.computeIfAbsent(delivery.endpointId(), k -> new AtomicInteger()).incrementAndGet();
        attempt(delivery);
    }

    /** Starts an attempt whose place in the limits is already taken. */
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
            recorder.add(new AttemptResult(attempt, status, next, disable));
        } finally {
            inflight.decrementAndGet();
            inflightByEndpoint.get(delivery.endpointId()).decrementAndGet();
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
