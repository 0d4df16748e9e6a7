package io.masthead.gateway.testclock.application;

import io.masthead.gateway.testclock.infrastructure.TestClockRepository;
import io.masthead.gateway.testclock.model.AdvanceTarget;
import io.masthead.gateway.testclock.model.TestClock;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.Timestamps;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.web.ProblemException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** A test-mode site's test clock: reading it and starting an advance, which {@link TestClockRunner} runs. */
public class TestClockService {

    private final TestClockRepository clocks;
    private final TestClockRunner runner;
    private final TransactionalOperator transaction;
    private final TestClockProperties properties;
    private final Clock clock;

    public TestClockService(TestClockRepository clocks, TestClockRunner runner, TransactionalOperator transaction,
            TestClockProperties properties, Clock clock) {
        this.clocks = clocks;
        this.runner = runner;
        this.transaction = transaction;
        this.properties = properties;
        this.clock = clock;
    }

    public Mono<TestClock> get(Caller caller) {
        return requireTestMode(caller).then(Mono.defer(() -> clocks.find(caller.siteId())
                .defaultIfEmpty(TestClock.wallClock(caller.siteId(), Timestamps.now(clock)))));
    }

    /**
     * Starts moving the site's time to {@code target}; {@code field} is the request field that named it. A failed
     * clock advances from where it stands. Refused: another advance of the site still running (409), a target not
     * after the clock's now or too far ahead (422), {@code max-concurrent-advances} clocks advancing across every
     * site already (429 with {@code Retry-After}).
     */
    public Mono<TestClock> advance(Caller caller, AdvanceTarget target, String field) {
        return requireTestMode(caller).then(Mono.defer(() -> {
            Instant wall = Timestamps.now(clock);
            return clocks.lock(caller.siteId(), wall)
                    .flatMap(current -> {
                        Instant to;
                        try {
                            to = target.from(current.now(wall));
                        } catch (DateTimeException | ArithmeticException e) {
                            return Mono.error(ValidationException.of(field, "must be at most "
                                    + TestClock.MAX_AHEAD.toDays() + " days after the test clock's now"));
                        }
                        return switch (current.advanceTo(to, wall)) {
                            case TestClock.Advance.Accepted accepted -> admit()
                                    .then(clocks.startAdvance(accepted.clock(), wall)).thenReturn(accepted.clock());
                            case TestClock.Advance.AlreadyAdvancing busy -> Mono.error(new ProblemException(
                                    HttpStatus.CONFLICT, "test-clock-advancing", "Test clock advancing",
                                    "The test clock is still advancing to " + busy.advancingTo()
                                            + "; wait until its status is ready", List.of()));
                            case TestClock.Advance.NotLater notLater -> Mono.error(ValidationException.of(field,
                                    "must be later than the test clock's now (" + notLater.now()
                                            + "): the clock only moves forward"));
                            case TestClock.Advance.TooFar tooFar -> Mono.error(ValidationException.of(field,
                                    "must be at most " + TestClock.MAX_AHEAD.toDays() + " days after the test "
                                            + "clock's now (" + tooFar.now() + ")"));
                        };
                    })
                    .as(transaction::transactional)
                    .doOnNext(started -> runner.kick(started.siteId()));
        }));
    }

    /** Room for one more advancing clock across every site, or a 429 that says when to try again. */
    private Mono<Void> admit() {
        return clocks.countAdvancingExclusively().flatMap(advancing -> advancing < properties.maxConcurrentAdvances()
                ? Mono.<Void>empty()
                : Mono.error(new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "test-clock-capacity",
                        "Too many test clocks advancing", advancing + " test clocks are advancing, the most this "
                                + "platform runs at once (masthead.gateway.test-clock.max-concurrent-advances): "
                                + "retry later", List.of(), properties.capacityRetryAfter())));
    }

    private static Mono<Void> requireTestMode(Caller caller) {
        if (caller.livemode()) {
            return Mono.error(new ProblemException(HttpStatus.FORBIDDEN, "test-mode-only", "Test mode only",
                    "Test clocks exist only for test-mode sites: use a test-mode site's key (sk_test_...)",
                    List.of()));
        }
        if (!caller.isAdmin()) {
            return Mono.error(ProblemException.forbidden("Only a secret API key can use the test clock"));
        }
        return Mono.empty();
    }
}
