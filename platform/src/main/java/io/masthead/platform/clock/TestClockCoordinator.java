package io.masthead.platform.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Moves a test-mode site's time from one instant to another across participants, as if the time had passed
 * (docs/test-clocks.md): a conservative simulation with a barrier.
 *
 * <ol>
 *   <li>Steps. The first step is at {@code from}; each next one at the earliest next due time any participant
 *       reported after the step just done, or at the target if that is sooner. The last step is at the target. Step
 *       times only grow, and never pass the target.</li>
 *   <li>Rounds. A step calls every participant's {@link ClockParticipant#step} with the step time (in parallel: the
 *       round is a barrier), again and again, until a round finds every participant quiet, with the round before
 *       it also all quiet, and every activity counter unchanged between the two. Then nothing that happened up to
 *       the step time is still on its way anywhere: every outbox was published before the last round started, and
 *       every consumer took in what was on its topics when that round's call started, with nothing new processed
 *       since.</li>
 *   <li>At the target every participant is released: the site's time runs on from there with the wall clock.</li>
 * </ol>
 *
 * A step that does not settle within {@code maxRoundsPerStep} rounds (rounds in which a participant made progress,
 * i.e. drained work and stopped for its budget, do not count), or a participant that fails, ends the advance
 * with a {@link TestClockException}; the site then stands at the last step reached (an advance may be resumed from
 * there: every call is idempotent). Pure: no Spring, no database; a service's scenario tests use it in-process with
 * their {@link LocalClockParticipant}, the gateway with {@link HttpClockParticipant}s.
 */
public class TestClockCoordinator {

    public static final int DEFAULT_MAX_ROUNDS_PER_STEP = 100;

    /** Called after each step completed, before the next one starts (e.g. to record progress). */
    @FunctionalInterface
    public interface StepListener {
        StepListener NONE = t -> Mono.empty();

        Mono<Void> stepDone(Instant t);
    }

    private final int maxRoundsPerStep;
    private final Duration pauseAfterBusyRound;

    public TestClockCoordinator() {
        this(DEFAULT_MAX_ROUNDS_PER_STEP, Duration.ZERO);
    }

    /**
     * @param maxRoundsPerStep    rounds a step may take before the advance fails (at least 2: a step needs two quiet
     *                            rounds)
     * @param pauseAfterBusyRound a pause before the next round when a participant was not quiet (participants wait
     *                            themselves, bounded; this keeps one that answers at once from being asked in a
     *                            tight loop)
     */
    public TestClockCoordinator(int maxRoundsPerStep, Duration pauseAfterBusyRound) {
        if (maxRoundsPerStep < 2) {
            throw new IllegalArgumentException("a step needs at least two rounds");
        }
        this.maxRoundsPerStep = maxRoundsPerStep;
        this.pauseAfterBusyRound = Objects.requireNonNull(pauseAfterBusyRound, "pauseAfterBusyRound");
    }

    /** {@link #advance(String, Instant, Instant, List, StepListener)} without a listener. */
    public Mono<Instant> advance(String siteId, Instant from, Instant to, List<ClockParticipant> participants) {
        return advance(siteId, from, to, participants, StepListener.NONE);
    }

    /**
     * Moves the site from {@code from} to {@code to} (equal: one step at {@code to}, then the release).
     *
     * @return {@code to}, once every participant settled at it and was released
     */
    public Mono<Instant> advance(String siteId, Instant from, Instant to, List<ClockParticipant> participants,
            StepListener listener) {
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(listener, "listener");
        if (to.isBefore(from)) {
            return Mono.error(new IllegalArgumentException("a test clock never moves backward: " + to
                    + " is before " + from));
        }
        if (participants.isEmpty()) {
            return Mono.error(new IllegalArgumentException("an advance needs at least one participant"));
        }
        List<ClockParticipant> all = List.copyOf(participants);
        return Mono.just(from)
                .expand(t -> t.equals(to) ? Mono.empty()
                        : settle(siteId, t, all).flatMap(reports -> listener.stepDone(t)
                                .then(Mono.fromSupplier(() -> nextStep(t, to, reports)))))
                .last()
                // the step at the target itself (the expansion stops before settling it)
                .flatMap(target -> settle(siteId, target, all)
                        .flatMap(reports -> listener.stepDone(target))
                        .then(Flux.fromIterable(all)
                                .flatMap(p -> p.release(siteId, target).onErrorMap(e -> new TestClockException(
                                        p.name() + " failed to release site " + siteId + " at " + target + ": " + e,
                                        e)))
                                .then())
                        .thenReturn(target));
    }

    /** The next step time after a step at {@code t}: the earliest next due time after it, or the target. */
    static Instant nextStep(Instant t, Instant target, List<StepReport> reports) {
        Instant next = target;
        for (StepReport report : reports) {
            Instant due = report.nextDue();
            // work due at or before t is what the step just settled (still pending: being retried); never go back
            if (due != null && due.isAfter(t) && due.isBefore(next)) {
                next = due;
            }
        }
        return next;
    }

    /**
     * @param number  the round's number in its step
     * @param counted the rounds of the step so far that count against {@code maxRoundsPerStep}: not those in which
     *                a participant made progress (did work and stopped for its budget)
     */
    private record Round(int number, int counted, List<StepReport> reports, boolean settled) {
    }

    /** Rounds at step time {@code t} until they settle; the reports of the settling round. */
    private Mono<List<StepReport>> settle(String siteId, Instant t, List<ClockParticipant> participants) {
        return round(siteId, t, participants, 1, null)
                .expand(round -> round.settled() ? Mono.empty()
                        : pause(round).then(round(siteId, t, participants, round.number() + 1, round)))
                .last()
                .map(Round::reports);
    }

    private Mono<Void> pause(Round round) {
        boolean allQuiet = round.reports().stream().allMatch(StepReport::quiet);
        return allQuiet || pauseAfterBusyRound.isZero() ? Mono.empty() : Mono.delay(pauseAfterBusyRound).then();
    }

    private Mono<Round> round(String siteId, Instant t, List<ClockParticipant> participants, int number,
            Round previous) {
        return Flux.fromIterable(participants)
                .flatMapSequential(p -> p.step(siteId, t)
                        .switchIfEmpty(Mono.error(() -> new TestClockException(p.name() + " gave no report")))
                        .onErrorMap(e -> !(e instanceof TestClockException), e -> new TestClockException(
                                p.name() + " failed at step " + t + " of site " + siteId + ": " + e, e)))
                .collectList()
                .flatMap(reports -> {
                    boolean settled = previous != null && allQuiet(previous.reports()) && allQuiet(reports)
                            && sameActivity(previous.reports(), reports);
                    boolean progressed = reports.stream().anyMatch(StepReport::progressed);
                    int counted = (previous == null ? 0 : previous.counted()) + (progressed ? 0 : 1);
                    if (!settled && counted >= maxRoundsPerStep) {
                        return Mono.error(new TestClockException("site " + siteId + " did not settle at " + t
                                + " within " + maxRoundsPerStep + " rounds: " + describe(participants,
                                previous == null ? null : previous.reports(), reports)));
                    }
                    return Mono.just(new Round(number, counted, reports, settled));
                });
    }

    private static boolean allQuiet(List<StepReport> reports) {
        return reports.stream().allMatch(StepReport::quiet);
    }

    private static boolean sameActivity(List<StepReport> before, List<StepReport> now) {
        for (int i = 0; i < now.size(); i++) {
            if (before.get(i).activity() != now.get(i).activity()) {
                return false;
            }
        }
        return true;
    }

    private static String describe(List<ClockParticipant> participants, List<StepReport> before,
            List<StepReport> now) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < participants.size(); i++) {
            StepReport report = now.get(i);
            String name = participants.get(i).name();
            if (!report.quiet()) {
                parts.add(name + " waits for " + String.join(", ", report.waitingFor()));
            } else if (before != null && before.get(i).activity() != report.activity()) {
                parts.add(name + " is still active (activity " + before.get(i).activity() + " -> "
                        + report.activity() + ")");
            }
        }
        return parts.isEmpty() ? "no participant settled twice in a row" : String.join("; ", parts);
    }
}
