package io.masthead.webhook.delivery.application;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class WorkerSlotsTest {

    /** A delivery: its endpoint and a name. */
    record D(String endpoint, String name) {
    }

    private static final Predicate<D> FRESH = d -> false;

    private static WorkerSlots<D> slots(int running, int perEndpoint, int queued, int queuedPerEndpoint) {
        return new WorkerSlots<>(running, perEndpoint, queued, queuedPerEndpoint, D::endpoint);
    }

    private static List<D> reserveAndAdmit(WorkerSlots<D> slots, String endpoint, int count) {
        List<D> admitted = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            assertThat(slots.reserve(endpoint)).as("place %d of %s", i, endpoint).isTrue();
            admitted.add(new D(endpoint, endpoint + i));
        }
        return slots.admit(admitted, FRESH);
    }

    @Test
    void a_busy_endpoint_queues_its_deliveries_and_starts_them_in_order_as_attempts_finish() {
        WorkerSlots<D> slots = slots(100, 2, 100, 3);

        assertThat(reserveAndAdmit(slots, "a", 5)).extracting(D::name).containsExactly("a1", "a2");
        assertThat(slots.reserve("a")).as("2 running + 3 queued: no place left").isFalse();
        assertThat(slots.queued()).isEqualTo(3);

        assertThat(slots.finished("a", FRESH)).extracting(D::name).containsExactly("a3");
        assertThat(slots.finished("a", FRESH)).extracting(D::name).containsExactly("a4");
        assertThat(slots.reserve("a")).as("a place freed").isTrue();
        assertThat(slots.admit(List.of(new D("a", "a6")), FRESH)).isEmpty();
        assertThat(slots.finished("a", FRESH)).extracting(D::name).containsExactly("a5");
        assertThat(slots.finished("a", FRESH)).extracting(D::name).containsExactly("a6");
        assertThat(slots.finished("a", FRESH)).isEmpty();
        assertThat(slots.finished("a", FRESH)).isEmpty();
        assertThat(slots.running()).isZero();
        assertThat(slots.queued()).isZero();
    }

    @Test
    void a_slow_endpoint_holds_only_its_own_places() {
        WorkerSlots<D> slots = slots(10, 2, 100, 3);

        reserveAndAdmit(slots, "slow", 5);
        assertThat(slots.reserve("slow")).isFalse();

        assertThat(reserveAndAdmit(slots, "fast", 2)).extracting(D::name).containsExactly("fast1", "fast2");
    }

    @Test
    void when_the_worker_is_full_endpoints_take_turns() {
        WorkerSlots<D> slots = slots(2, 2, 100, 10);
        assertThat(reserveAndAdmit(slots, "a", 4)).extracting(D::name).containsExactly("a1", "a2");
        assertThat(reserveAndAdmit(slots, "b", 2)).isEmpty();

        // a finished: b, which waited with a free place of its own, goes first; then a and b alternate
        assertThat(slots.finished("a", FRESH)).extracting(D::name).containsExactly("b1");
        assertThat(slots.finished("a", FRESH)).extracting(D::name).containsExactly("a3");
        assertThat(slots.finished("a", FRESH)).extracting(D::name).containsExactly("b2");
        assertThat(slots.finished("b", FRESH)).extracting(D::name).containsExactly("a4");
    }

    @Test
    void the_worker_wide_queue_is_bounded_too() {
        WorkerSlots<D> slots = slots(1, 1, 2, 10);
        reserveAndAdmit(slots, "a", 2);
        assertThat(slots.reserve("b")).as("1 running + 2 queued in all").isTrue();
        assertThat(slots.reserve("c")).isFalse();
        slots.release("b");
        assertThat(slots.reserve("c")).as("a place given back").isTrue();
    }

    @Test
    void a_queued_delivery_whose_lease_ran_short_is_dropped_and_its_place_freed() {
        WorkerSlots<D> slots = slots(100, 1, 100, 10);
        reserveAndAdmit(slots, "a", 3);
        Set<String> expired = Set.of("a2");

        assertThat(slots.finished("a", d -> expired.contains(d.name()))).extracting(D::name).containsExactly("a3");
        assertThat(slots.expired()).isEqualTo(1);
        assertThat(slots.queued()).isZero();
        assertThat(slots.finished("a", FRESH)).isEmpty();
        assertThat(slots.room().full()).isEmpty();
        assertThat(slots.room().free()).isEqualTo(100);
    }

    @Test
    void claims_get_the_room_left_and_skip_full_endpoints() {
        WorkerSlots<D> slots = slots(10, 3, 100, 10);
        reserveAndAdmit(slots, "full", 4);
        reserveAndAdmit(slots, "partial", 1);

        WorkerSlots.Room room = slots.room();
        assertThat(room.free()).as("10 places, 4 running: the queued delivery waits for its own endpoint")
                .isEqualTo(6);
        assertThat(room.full()).containsExactly("full");
        assertThat(room.partial()).containsExactlyEntriesOf(java.util.Map.of("partial", 2));

        assertThat(slots.take(List.of(new D("partial", "c1"), new D("other", "c2")), FRESH))
                .extracting(D::name).containsExactly("c1", "c2");
        assertThat(slots.running()).isEqualTo(6);
    }

    @Test
    void a_long_queue_behind_one_busy_endpoint_leaves_the_claims_their_room() {
        WorkerSlots<D> slots = slots(10, 2, 1000, 1000);
        reserveAndAdmit(slots, "slow", 500);

        assertThat(slots.room().free()).isEqualTo(8);
        assertThat(slots.room().full()).containsExactly("slow");
    }

    @Test
    void forgetting_an_endpoints_queue_frees_its_places_and_keeps_its_attempts_in_flight() {
        WorkerSlots<D> slots = slots(10, 1, 100, 10);
        reserveAndAdmit(slots, "a", 4);
        reserveAndAdmit(slots, "b", 2);

        assertThat(slots.clearQueue("a")).isEqualTo(3);
        assertThat(slots.queued()).isEqualTo(1);
        assertThat(slots.finished("a", FRESH)).as("nothing of a left to start").isEmpty();
        assertThat(slots.reserve("a")).isTrue();
        assertThat(slots.finished("b", FRESH)).extracting(D::name).containsExactly("b2");
        assertThat(slots.clearQueue("unknown")).isZero();
    }

    @Test
    void clearing_the_queues_at_shutdown_frees_their_places() {
        WorkerSlots<D> slots = slots(10, 1, 100, 10);
        reserveAndAdmit(slots, "a", 4);

        assertThat(slots.clearQueues()).isEqualTo(3);
        assertThat(slots.queued()).isZero();
        assertThat(slots.finished("a", FRESH)).isEmpty();
        assertThat(slots.room().free()).isEqualTo(10);
    }
}
