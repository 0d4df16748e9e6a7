package io.masthead.platform.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The coordinator's algorithm with participants simulated in memory (docs/test-clocks.md). */
class TestClockCoordinatorTest {

    private static final String SITE = "site_01jt3z8x9k2m4n6p8q0r2s4t6v";
    private static final Instant DAY_0 = Instant.parse("2030-01-01T00:00:00Z");

    private final List<String> history = new CopyOnWriteArrayList<>();

    private static Instant day(int n) {
        return DAY_0.plus(Duration.ofDays(n));
    }

    @Test
    void workDueEarlierInOneParticipantHappensBeforeLaterWorkInAnother() {
        Fake subscriptions = new Fake("subscriptions");
        Fake billing = new Fake("billing");
        subscriptions.schedule(day(30), "renewal", (self, now) -> { });
        billing.schedule(day(3), "payment retry", (self, now) -> { });

        advance(DAY_0, day(40), subscriptions, billing);

        assertThat(history).containsExactly(
                "billing: payment retry at " + day(3),
                "subscriptions: renewal at " + day(30));
        assertThat(billing.stepTimes).contains(day(3), day(30), day(40));
        assertThat(subscriptions.stepTimes).contains(day(3), day(30), day(40));
    }

    @Test
    void workCausedByWorkHappensAtItsOwnTimeWithinTheSameAdvance() {
        Fake subscriptions = new Fake("subscriptions");
        Fake billing = new Fake("billing");
        // renewal -> subscription.renewed -> billing creates the invoice and finalizes it an hour later -> invoice
        // finalized -> subscriptions takes note
        subscriptions.schedule(day(30), "renewal", (self, now) -> self.emit(billing, "subscription.renewed"));
        billing.onEvent("subscription.renewed", (self, now) -> self.schedule(now.plus(Duration.ofHours(1)),
                "invoice finalization", (me, later) -> me.emit(subscriptions, "invoice.finalized")));
        subscriptions.onEvent("invoice.finalized", (self, now) -> { });

        advance(DAY_0, day(31), subscriptions, billing);

        assertThat(history).containsExactly(
                "subscriptions: renewal at " + day(30),
                "billing: took in subscription.renewed at " + day(30),
                "billing: invoice finalization at " + day(30).plus(Duration.ofHours(1)),
                "subscriptions: took in invoice.finalized at " + day(30).plus(Duration.ofHours(1)));
    }

    @Test
    void slowOutboxesAndSlowConsumersStillTakeEffectAtTheStepThatCausedThem() {
        // The consumer is asked first in each round, the producer publishes only at its second call: the round in
        // which the event is published finds the consumer quiet and unchanged; the step must not end there.
        Fake consumer = new Fake("consumer");
        Fake producer = new Fake("producer");
        producer.outboxDelay = 1;
        consumer.consumerDelay = 2;
        producer.schedule(day(5), "work", (self, now) -> self.emit(consumer, "work.done"));
        consumer.onEvent("work.done", (self, now) -> { });
        consumer.schedule(day(6), "later work", (self, now) -> { });

        advance(DAY_0, day(10), consumer, producer);

        assertThat(history).containsExactly(
                "producer: work at " + day(5),
                "consumer: took in work.done at " + day(5),
                "consumer: later work at " + day(6));
    }

    @Test
    void neverStepsPastTheTarget() {
        Fake service = new Fake("service");
        service.schedule(day(50), "too late", (self, now) -> { });
        service.schedule(day(20), "in time", (self, now) -> { });

        Instant reached = advance(DAY_0, day(40), service);

        assertThat(reached).isEqualTo(day(40));
        assertThat(history).containsExactly("service: in time at " + day(20));
        assertThat(service.stepTimes).allMatch(t -> !t.isAfter(day(40))).contains(day(40));
        assertThat(service.releasedAt).isEqualTo(day(40));
    }

    @Test
    void neverMovesBackward() {
        Fake service = new Fake("service");
        // work due before the advance's start is done at its first step, at the start: the clock does not go back
        service.schedule(day(1), "overdue work", (self, now) -> { });
        service.schedule(day(7), "work", (self, now) -> { });

        advance(day(2), day(9), service);

        List<Instant> times = service.stepTimes;
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i)).isAfterOrEqualTo(times.get(i - 1));
        }
        assertThat(times.getFirst()).isEqualTo(day(2));
        assertThat(times).doesNotContain(day(1));
        assertThat(history).containsExactly("service: overdue work at " + day(2), "service: work at " + day(7));

        StepVerifier.create(new TestClockCoordinator().advance(SITE, day(9), day(8), List.of(service)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("never moves backward"))
                .verify();
    }

    @Test
    void anAdvanceToTheSameInstantSettlesAndReleasesThere() {
        Fake service = new Fake("service");
        service.schedule(day(0), "due now", (self, now) -> { });

        advance(DAY_0, DAY_0, service);

        assertThat(history).containsExactly("service: due now at " + DAY_0);
        assertThat(service.releasedAt).isEqualTo(DAY_0);
    }

    @Test
    void aParticipantThatStaysBusyFailsTheAdvanceSayingWhy() {
        Fake service = new Fake("service");
        ClockParticipant stuck = new ClockParticipant() {
            @Override
            public String name() {
                return "stuck-service";
            }

            @Override
            public Mono<StepReport> step(String siteId, Instant t) {
                return Mono.just(StepReport.busy(null, 0, List.of("consumer group g: 3 records behind")));
            }

            @Override
            public Mono<Void> release(String siteId, Instant t) {
                return Mono.empty();
            }
        };

        StepVerifier.create(new TestClockCoordinator(5, Duration.ZERO).advance(SITE, DAY_0, day(1),
                        List.of(service, stuck)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TestClockException.class)
                        .hasMessageContaining("did not settle at " + DAY_0 + " within 5 rounds")
                        .hasMessageContaining("stuck-service waits for consumer group g: 3 records behind"))
                .verify();
        assertThat(service.releasedAt).isNull();
    }

    @Test
    void roundsInWhichAParticipantDrainedWorkDoNotCountAgainstTheRoundsOfAStep() {
        Fake service = new Fake("service");
        ClockParticipant draining = new ClockParticipant() {
            int calls;

            @Override
            public String name() {
                return "draining";
            }

            @Override
            public Mono<StepReport> step(String siteId, Instant t) {
                // ten calls cut by their drain budget, each having done work, then quiet
                return Mono.fromSupplier(() -> ++calls <= 10
                        ? StepReport.drained(null, calls, List.of("due work: draining (250 items done in this call)"))
                        : StepReport.quiet(null, 10));
            }

            @Override
            public Mono<Void> release(String siteId, Instant t) {
                return Mono.empty();
            }
        };

        StepVerifier.create(new TestClockCoordinator(4, Duration.ZERO).advance(SITE, DAY_0, DAY_0,
                        List.of(service, draining)))
                .expectNext(DAY_0).verifyComplete();
        assertThat(service.releasedAt).isEqualTo(DAY_0);
    }

    @Test
    void aStepReportSaysWhetherTheCallDrainedWorkAndReadsBackFromJson() {
        StepReport report = StepReport.drained(null, 3, List.of("due work: draining"));
        assertThat(report.progressed()).isTrue();
        assertThat(report.quiet()).isFalse();
        assertThat(StepReport.busy(null, 3, List.of("outbox")).progressed()).isFalse();
        assertThat(HttpClockParticipant.report(java.util.Map.of("quiet", false, "activity", 3, "waiting_for",
                List.of("due work: draining"), "progressed", true)).progressed()).isTrue();
        assertThat(HttpClockParticipant.report(java.util.Map.of("quiet", true, "activity", 3)).progressed()).isFalse();
    }

    @Test
    void aParticipantWhoseActivityNeverStopsFailsTheAdvance() {
        Fake service = new Fake("service");
        ClockParticipant restless = new ClockParticipant() {
            long activity;

            @Override
            public String name() {
                return "restless";
            }

            @Override
            public Mono<StepReport> step(String siteId, Instant t) {
                return Mono.fromSupplier(() -> StepReport.quiet(null, ++activity));
            }

            @Override
            public Mono<Void> release(String siteId, Instant t) {
                return Mono.empty();
            }
        };

        StepVerifier.create(new TestClockCoordinator(4, Duration.ZERO).advance(SITE, DAY_0, day(1),
                        List.of(service, restless)))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("restless is still active"))
                .verify();
    }

    @Test
    void aFailingParticipantFailsTheAdvanceNamingIt() {
        ClockParticipant broken = new ClockParticipant() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Mono<StepReport> step(String siteId, Instant t) {
                return Mono.error(new IllegalStateException("connection refused"));
            }

            @Override
            public Mono<Void> release(String siteId, Instant t) {
                return Mono.empty();
            }
        };

        StepVerifier.create(new TestClockCoordinator().advance(SITE, DAY_0, day(1), List.of(broken)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TestClockException.class)
                        .hasMessageContaining("broken failed at step " + DAY_0)
                        .hasMessageContaining("connection refused"))
                .verify();
    }

    @Test
    void everyStepIsReportedToTheListenerInOrder() {
        Fake service = new Fake("service");
        service.schedule(day(3), "a", (self, now) -> { });
        service.schedule(day(4), "b", (self, now) -> { });
        List<Instant> done = new ArrayList<>();

        StepVerifier.create(new TestClockCoordinator().advance(SITE, DAY_0, day(5), List.of(service),
                        t -> Mono.fromRunnable(() -> done.add(t))))
                .expectNext(day(5))
                .verifyComplete();

        assertThat(done).containsExactly(DAY_0, day(3), day(4), day(5));
    }

    @Test
    void theNextStepIsTheEarliestDueTimeAfterTheStepOrTheTarget() {
        List<StepReport> reports = List.of(StepReport.quiet(day(9), 1), StepReport.quiet(null, 1),
                StepReport.quiet(day(4), 1), StepReport.quiet(day(1), 1));
        assertThat(TestClockCoordinator.nextStep(day(2), day(20), reports)).isEqualTo(day(4));
        assertThat(TestClockCoordinator.nextStep(day(2), day(3), reports)).isEqualTo(day(3));
        assertThat(TestClockCoordinator.nextStep(day(9), day(20), reports)).isEqualTo(day(20));
    }

    private Instant advance(Instant from, Instant to, ClockParticipant... participants) {
        Instant reached = new TestClockCoordinator().advance(SITE, from, to, List.of(participants))
                .block(Duration.ofSeconds(10));
        assertThat(reached).isEqualTo(to);
        return reached;
    }

    /**
     * A service in memory: due items processed in due order up to the step time, an outbox that takes
     * {@code outboxDelay} further calls to publish, a consumer that takes {@code consumerDelay} further calls to take
     * in what is on its topic.
     */
    final class Fake implements ClockParticipant {

        private record Due(String what, BiConsumer<Fake, Instant> action) {
        }

        private record Pending(String type, int[] callsLeft) {
        }

        private final String name;
        private final TreeMap<Instant, List<Due>> due = new TreeMap<>();
        private final Map<String, BiConsumer<Fake, Instant>> handlers = new java.util.HashMap<>();
        private final Deque<Pending> outbox = new ArrayDeque<>();
        private final Deque<Pending> topic = new ArrayDeque<>();
        private final List<Fake> outboxTargets = new ArrayList<>();
        final List<Instant> stepTimes = new ArrayList<>();
        Instant frozenAt;
        Instant releasedAt;
        int outboxDelay;
        int consumerDelay;
        long activity;

        Fake(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        void schedule(Instant at, String what, BiConsumer<Fake, Instant> action) {
            due.computeIfAbsent(at, k -> new ArrayList<>()).add(new Due(what, action));
        }

        void onEvent(String type, BiConsumer<Fake, Instant> handler) {
            handlers.put(type, handler);
        }

        void emit(Fake to, String type) {
            outbox.add(new Pending(type, new int[] {outboxDelay}));
            outboxTargets.add(to);
        }

        @Override
        public Mono<StepReport> step(String siteId, Instant t) {
            return Mono.fromSupplier(() -> {
                stepTimes.add(t);
                frozenAt = frozenAt == null || t.isAfter(frozenAt) ? t : frozenAt;
                // what is on the topic when the call starts is what the consumer must take in
                List<Pending> seen = List.copyOf(topic);
                while (!due.isEmpty() && !due.firstKey().isAfter(frozenAt)) {
                    Map.Entry<Instant, List<Due>> first = due.pollFirstEntry();
                    for (Due item : first.getValue()) {
                        history.add(name + ": " + item.what() + " at " + frozenAt);
                        activity++;
                        item.action().accept(this, frozenAt);
                    }
                }
                for (Pending event : seen) {
                    if (event.callsLeft()[0]-- <= 0) {
                        topic.remove(event);
                        history.add(name + ": took in " + event.type() + " at " + frozenAt);
                        activity++;
                        handlers.get(event.type()).accept(this, frozenAt);
                    }
                }
                publish();
                List<String> waiting = new ArrayList<>();
                if (!outbox.isEmpty()) {
                    waiting.add("outbox: " + outbox.size() + " events not yet published");
                }
                if (topic.stream().anyMatch(seen::contains)) {
                    waiting.add("consumer behind");
                }
                if (!due.isEmpty() && !due.firstKey().isAfter(frozenAt)) {
                    waiting.add("due work");
                }
                Instant next = due.isEmpty() ? null : due.firstKey();
                return waiting.isEmpty() ? StepReport.quiet(next, activity)
                        : StepReport.busy(next, activity, waiting);
            });
        }

        private void publish() {
            while (!outbox.isEmpty() && outbox.peekFirst().callsLeft()[0] <= 0) {
                Pending event = outbox.pollFirst();
                Fake target = outboxTargets.removeFirst();
                target.topic.add(new Pending(event.type(), new int[] {target.consumerDelay}));
            }
            outbox.forEach(event -> event.callsLeft()[0]--);
        }

        @Override
        public Mono<Void> release(String siteId, Instant t) {
            return Mono.fromRunnable(() -> releasedAt = t);
        }
    }
}
