package io.masthead.webhook.delivery.infrastructure;

import io.masthead.webhook.delivery.model.AttemptOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The webhook meters (Prometheus names in brackets):
 * <ul>
 *   <li>{@code webhooks.deliveries{outcome=succeeded|failed}} finished deliveries [webhooks_deliveries_total];</li>
 *   <li>{@code webhooks.attempts{outcome, result=2xx|3xx|4xx|5xx|timeout|connection_error|address_refused}}
 *       [webhooks_attempts_total];</li>
 *   <li>{@code webhooks.attempt.duration{outcome}} histogram [webhooks_attempt_duration_seconds];</li>
 *   <li>{@code webhooks.event.to.first.attempt} histogram: from the event's time to its first attempt;</li>
 *   <li>{@code webhooks.event.to.delivery} histogram: from the event's time to its successful attempt;</li>
 *   <li>{@code webhooks.due.depth}, {@code webhooks.due.oldest.age} (seconds): deliveries due and waiting,
 *       refreshed every few seconds; {@code webhooks.inflight}: attempts in flight in this instance;
 *       {@code webhooks.queued}: deliveries this instance holds in memory while their endpoints are busy;
 *       {@code webhooks.results.unrecorded}: attempt results waiting to be written.</li>
 * </ul>
 */
public class DeliveryMetrics {

    private final MeterRegistry registry;
    private final Timer firstAttemptLatency;
    private final Timer deliveryLatency;
    private final Counter succeeded;
    private final Counter failed;
    private final AtomicLong dueDepth = new AtomicLong();
    private final AtomicLong oldestDueAgeMillis = new AtomicLong();
    private final ConcurrentHashMap<String, Counter> attempts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> durations = new ConcurrentHashMap<>();

    public DeliveryMetrics(MeterRegistry registry, IntSupplier inflight, IntSupplier queued, IntSupplier unrecorded) {
        this.registry = registry;
        this.firstAttemptLatency = Timer.builder("webhooks.event.to.first.attempt")
                .description("From the event's time to the first attempt of each of its deliveries")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1)).register(registry);
        this.deliveryLatency = Timer.builder("webhooks.event.to.delivery")
                .description("From the event's time to the successful attempt of each of its deliveries")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofDays(2)).register(registry);
        this.succeeded = Counter.builder("webhooks.deliveries").tag("outcome", "succeeded")
                .description("Deliveries finished, by outcome").register(registry);
        this.failed = Counter.builder("webhooks.deliveries").tag("outcome", "failed")
                .description("Deliveries finished, by outcome").register(registry);
        Gauge.builder("webhooks.due.depth", dueDepth, AtomicLong::get)
                .description("Deliveries due and waiting for a worker").register(registry);
        Gauge.builder("webhooks.due.oldest.age", oldestDueAgeMillis, v -> v.get() / 1000.0).baseUnit("seconds")
                .description("How long the oldest due delivery has been waiting").register(registry);
        Gauge.builder("webhooks.inflight", inflight, s -> s.getAsInt()).strongReference(true)
                .description("Attempts in flight in this instance").register(registry);
        Gauge.builder("webhooks.queued", queued, s -> s.getAsInt()).strongReference(true)
                .description("Deliveries held in memory by this instance while their endpoints are busy")
                .register(registry);
        Gauge.builder("webhooks.results.unrecorded", unrecorded, s -> s.getAsInt()).strongReference(true)
                .description("Attempt results of this instance not yet written to the database")
                .register(registry);
    }

    public void attempt(AttemptOutcome outcome, Duration sinceEvent, boolean first) {
        String result = switch (outcome.kind()) {
            case RESPONSE -> (outcome.statusCode() / 100) + "xx";
            case TIMEOUT -> "timeout";
            case CONNECTION_ERROR -> "connection_error";
            case ADDRESS_REFUSED -> "address_refused";
        };
        String status = outcome.succeeded() ? "succeeded" : "failed";
        attempts.computeIfAbsent(status + "/" + result, k -> Counter.builder("webhooks.attempts")
                .tag("outcome", status).tag("result", result)
                .description("HTTP attempts, by outcome and result").register(registry)).increment();
        durations.computeIfAbsent(status, k -> Timer.builder("webhooks.attempt.duration").tag("outcome", status)
                .description("Duration of each HTTP attempt").publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)).record(Duration.ofMillis(outcome.durationMillis()));
        Duration latency = sinceEvent.isNegative() ? Duration.ZERO : sinceEvent;
        if (first) {
            firstAttemptLatency.record(latency);
        }
        if (outcome.succeeded()) {
            deliveryLatency.record(latency.plusMillis(outcome.durationMillis()));
        }
    }

    public void finished(boolean success) {
        (success ? succeeded : failed).increment();
    }

    public void dueQueue(long depth, Duration oldestAge) {
        dueDepth.set(depth);
        oldestDueAgeMillis.set(Math.max(0, oldestAge.toMillis()));
    }
}
