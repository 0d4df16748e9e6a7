package io.masthead.webhook.delivery.application;

import io.masthead.webhook.delivery.infrastructure.AttemptResult;
import io.masthead.webhook.delivery.infrastructure.DeliveryRepository;
import io.masthead.webhook.endpoint.model.DisabledReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Writes attempt results in batches: whatever finished while the previous batch was being written goes in
 * one transaction (attempt rows, delivery states, endpoint failure streaks, endpoints disabled by a 410 or
 * by failing too long, and the pending deliveries of those failed). A batch that cannot be written is retried;
 * results lost to a crash only mean the deliveries are attempted again when their lease ends. A result is
 * written only while its delivery still holds the lease the attempt was sent under: a stale one (the lease ran out
 * and another worker claimed the delivery) is dropped, counted ({@code webhooks.results.stale}) and logged at debug.
 */
public class AttemptRecorder implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AttemptRecorder.class);
    private static final int MAX_BATCH = 500;

    private final DeliveryRepository deliveries;
    private final TransactionalOperator transaction;
    private final Clock clock;
    private final Duration disableAfterFailingFor;
    private final Counter staleResults;
    private final LinkedBlockingQueue<AttemptResult> queue = new LinkedBlockingQueue<>();
    private volatile BiConsumer<List<AttemptResult>, List<String>> afterWrite = (batch, disabled) -> {
    };
    private volatile boolean running;
    private Thread thread;

    public AttemptRecorder(DeliveryRepository deliveries, TransactionalOperator transaction, Clock clock,
            Duration disableAfterFailingFor, MeterRegistry meters) {
        this.deliveries = deliveries;
        this.staleResults = Counter.builder("webhooks.results.stale")
                .description("Attempt results dropped because their lease had ended (the delivery was claimed again)")
                .register(meters);
        this.transaction = transaction;
        this.clock = clock;
        this.disableAfterFailingFor = disableAfterFailingFor;
    }

    /**
     * Called with each batch once it is committed, and the endpoints it disabled (ordered successors may now be
     * due; disabled endpoints' queued deliveries must not go out).
     */
    void afterWrite(BiConsumer<List<AttemptResult>, List<String>> callback) {
        this.afterWrite = callback;
    }

    /** Queues a result to be written (dropped, and counted, if its lease has ended by then). */
    public void add(AttemptResult result) {
        queue.add(result);
    }

    /** Results waiting to be written. */
    public int backlog() {
        return queue.size();
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().name("webhook-recorder").daemon().start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2000; // stops after the dispatcher, so its last results are written
    }

    private void run() {
        while (running || !queue.isEmpty()) {
            List<AttemptResult> batch = new ArrayList<>();
            try {
                AttemptResult first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            List<String> disabled = new ArrayList<>();
            writeWithRetries(batch, disabled);
            afterWrite.accept(batch, disabled);
        }
    }

    /** Writes a batch; {@code disabled} collects the endpoints it disabled. */
    private void writeWithRetries(List<AttemptResult> batch, List<String> disabled) {
        long backoff = 100;
        while (true) {
            try {
                Written written = write(batch).block(Duration.ofSeconds(30));
                if (written != null) {
                    disabled.addAll(written.disabled());
                    dropStale(written.stale());
                }
                return;
            } catch (DataIntegrityViolationException e) {
                // not transient: write the results one by one, and drop only what cannot be written
                if (batch.size() == 1) {
                    log.error("Dropping the result of attempt {} (delivery {}): {}", batch.getFirst().attempt().id(),
                            batch.getFirst().attempt().deliveryId(), e.getMessage());
                    return;
                }
                batch.forEach(result -> writeWithRetries(List.of(result), disabled));
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    log.warn("Dropping {} attempt results at shutdown ({}); their deliveries will be attempted again",
                            batch.size(), e.toString());
                    return;
                }
                log.warn("Could not record {} attempt results, retrying in {} ms: {}", batch.size(), backoff,
                        e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(backoff * 2, 5_000);
            }
        }
    }

    /**
     * Results of attempts whose lease had ended before they were recorded: their deliveries were claimed again
     * (another attempt is under way or done), are finished, or are gone. They change nothing.
     */
    private void dropStale(List<AttemptResult> stale) {
        if (stale.isEmpty()) {
            return;
        }
        staleResults.increment(stale.size());
        if (log.isDebugEnabled()) {
            stale.forEach(r -> log.debug("Dropped the result of attempt {} of delivery {}: its lease {} has ended",
                    r.attempt().id(), r.attempt().deliveryId(), r.leaseToken()));
        }
    }

    /** A committed batch: the endpoints it disabled, and the stale results it refused. */
    private record Written(List<String> disabled, List<AttemptResult> stale) {
    }

    private Mono<Written> write(List<AttemptResult> batch) {
        Instant now = clock.instant();
        Mono<Written> work = deliveries.record(batch, now, now.minus(disableAfterFailingFor))
                .flatMap(recorded -> {
                    List<Map.Entry<String, String>> disabled = recorded.disabled();
                    Map<String, List<String>> byReason = disabled.stream().collect(Collectors.groupingBy(
                            Map.Entry::getValue, Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
                    disabled.forEach(e -> log.warn("Endpoint {} disabled: {}", e.getKey(), e.getValue()));
                    Mono<Long> gone = deliveries.failPending(byReason.getOrDefault(DisabledReason.GONE.value(), List.of()),
                            "endpoint disabled: it answered 410 Gone", now);
                    Mono<Long> failing = deliveries.failPending(
                            byReason.getOrDefault(DisabledReason.FAILING.value(), List.of()),
                            "endpoint disabled: no successful attempt for " + disableAfterFailingFor.toHours() + " h", now);
                    return gone.then(failing).thenReturn(new Written(
                            disabled.stream().map(Map.Entry::getKey).toList(), recorded.stale()));
                });
        return transaction.transactional(work);
    }
}
