package io.masthead.gateway.testclock.application;

import io.masthead.gateway.testclock.infrastructure.TestClockRepository;
import io.masthead.gateway.testclock.model.TestClock;
import io.masthead.platform.clock.TestClockCoordinator;
import io.masthead.platform.time.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Runs the advances of test clocks in the background (docs/test-clocks.md). Their state is in the database: an
 * instance takes an advancing clock's lease, moves the services through {@link TestClockCoordinator} from the last
 * step recorded to the target, recording each step, and renews the lease while it runs. When every service settled
 * at the target and was released, the clock is ready and {@code test_clock.ready} is written, in one transaction.
 * An attempt that fails gives the lease up and is retried after {@code retry-backoff}, from the last step; an
 * instance that dies loses its lease, and another (or itself, restarted) resumes the advance.
 */
public class TestClockRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TestClockRunner.class);
    private static final int CLAIM_BATCH = 16;

    private final TestClockRepository clocks;
    private final TestClockParticipants participants;
    private final TestClockCoordinator coordinator;
    private final TestClockEvents events;
    private final TransactionalOperator transaction;
    private final TestClockProperties properties;
    private final Clock clock;
    private final String owner = "gateway-" + UUID.randomUUID();
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Sinks.Many<String> kicks = Sinks.many().multicast().directBestEffort();
    private final Disposable.Composite advances = Disposables.composite();
    private volatile Disposable loop;

    public TestClockRunner(TestClockRepository clocks, TestClockParticipants participants,
            TestClockCoordinator coordinator, TestClockEvents events, TransactionalOperator transaction,
            TestClockProperties properties, Clock clock) {
        this.clocks = clocks;
        this.participants = participants;
        this.coordinator = coordinator;
        this.events = events;
        this.transaction = transaction;
        this.properties = properties;
        this.clock = clock;
    }

    /** Starts the advance of {@code siteId} on this instance now, rather than at the next poll. */
    public void kick(String siteId) {
        kicks.tryEmitNext(siteId);
    }

    @Override
    public void start() {
        if (loop != null) {
            return;
        }
        loop = Flux.merge(Flux.interval(properties.pollInterval()).map(tick -> ""), kicks.asFlux())
                .onBackpressureDrop()
                .concatMap(site -> claim(site.isEmpty() ? null : site)
                        .onErrorResume(e -> {
                            log.warn("Looking for test clocks to advance failed: {}", e.toString());
                            return Mono.empty();
                        }), 1)
                .subscribe(this::run);
    }

    private Flux<TestClock> claim(String onlySite) {
        Instant wall = Timestamps.now(clock);
        return clocks.claim(owner, wall, wall.plus(properties.lease()), onlySite, CLAIM_BATCH);
    }

    private void run(TestClock claimed) {
        if (!running.add(claimed.siteId())) {
            return;
        }
        String site = claimed.siteId();
        log.info("Advancing the test clock of {} from {} to {}", site, claimed.simulatedAt(), claimed.advancingTo());
        Disposable renewal = Flux.interval(properties.lease().dividedBy(3))
                .concatMap(tick -> clocks.renew(site, owner, Timestamps.now(clock).plus(properties.lease()))
                        .onErrorResume(e -> Mono.just(true)))
                .subscribe();
        java.util.concurrent.atomic.AtomicReference<Disposable> self = new java.util.concurrent.atomic.AtomicReference<>();
        Disposable advance = coordinator.advance(site, claimed.simulatedAt(), claimed.advancingTo(),
                        participants.all(), t -> clocks.recordStep(site, owner, t, Timestamps.now(clock))
                                .flatMap(ours -> ours ? Mono.<Void>empty()
                                        : Mono.error(new LeaseLost(site))))
                .then(Mono.defer(() -> complete(claimed)))
                .onErrorResume(e -> {
                    if (e instanceof LeaseLost) {
                        log.warn("The advance of {} is no longer this instance's", site);
                        return Mono.empty();
                    }
                    Instant wall = Timestamps.now(clock);
                    String error = String.valueOf(e.getMessage());
                    String failure = "the advance to " + claimed.advancingTo() + " gave up after "
                            + properties.maxAttempts() + " attempts in a row without progress; the last one failed: "
                            + error;
                    return clocks.failed(site, owner, error, failure, properties.maxAttempts(),
                                    wall.plus(properties.retryBackoff()), wall)
                            .doOnNext(gaveUp -> {
                                if (gaveUp) {
                                    log.warn("The test clock of {} failed: {}", site, failure);
                                } else {
                                    log.warn("Advancing the test clock of {} failed (retried in {}): {}", site,
                                            properties.retryBackoff(), error);
                                }
                            })
                            .then();
                })
                .doFinally(signal -> {
                    renewal.dispose();
                    running.remove(site);
                    Disposable done = self.get();
                    if (done != null) {
                        advances.remove(done);
                    }
                })
                .subscribe(null, e -> log.error("Test clock runner of {} failed", site, e));
        self.set(advance);
        if (!advance.isDisposed()) {
            advances.add(advance);
        }
    }

    private Mono<Void> complete(TestClock claimed) {
        Instant wall = Timestamps.now(clock);
        TestClock ready = claimed.reached(wall);
        return clocks.complete(ready, owner, wall)
                .flatMap(ours -> ours ? events.ready(ready, wall) : Mono.error(new LeaseLost(claimed.siteId())))
                .as(transaction::transactional)
                .doOnSuccess(done -> log.info("The test clock of {} is ready at {}", claimed.siteId(),
                        ready.simulatedAt()));
    }

    /** This instance's lease of an advance was taken over (it renewed too late). */
    static final class LeaseLost extends RuntimeException {
        LeaseLost(String site) {
            super("the lease of the advance of " + site + " was lost");
        }
    }

    @Override
    public void stop() {
        Disposable current = loop;
        loop = null;
        if (current != null) {
            current.dispose();
        }
        advances.dispose();
        // the advances stopped here are resumed at once by the next instance to look (or this one, restarted)
        try {
            clocks.giveUpLeases(owner, Timestamps.now(clock)).block(java.time.Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.warn("Could not give up the leases of this instance's advances (they run out by themselves): {}",
                    e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

    /** Whether an advance of {@code siteId} runs on this instance now. */
    public boolean isAdvancing(String siteId) {
        return running.contains(siteId);
    }
}
