package io.masthead.platform.clock;

import io.masthead.platform.duework.DueWorkRunner;
import io.masthead.platform.time.SiteClocks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * This service as a participant of a test clock, from the platform's due work and site clocks. A step at
 * {@code t}:
 * <ol>
 *   <li>reads the end offsets of the topics this service's consumer groups consume (the call's start);</li>
 *   <li>freezes the site's time at {@code t} ({@link SiteClocks#freeze}) and processes the due items of the site
 *       up to {@code t}, in due order, including items that processing adds ({@link DueWorkRunner#drain}), for at
 *       most {@code masthead.clock.drain-budget}: a drain cut by it reports "not quiet" at once (steps 3 and 4
 *       skipped), and the coordinator calls again;</li>
 *   <li>wakes the outbox relay and waits (bounded) until the site has no unpublished outbox row;</li>
 *   <li>waits (bounded) until every consumer group committed at least the end offsets of step 1;</li>
 *   <li>reports: quiet when both waits succeeded and nothing of the site is due up to {@code t} any more; the
 *       site's next due time; its activity counter.</li>
 * </ol>
 * Any instance of the service can answer for all of them: the outbox, the due work and the committed offsets are
 * shared by the instances (one database, one group per listener). Nothing here is particular to a service: a
 * service takes part by using the platform's due work and inbox.
 */
public class LocalClockParticipant implements ClockParticipant {

    /** A consumer group of this service and the topics it consumes. */
    public record ConsumerGroup(String groupId, Set<String> topics) {
    }

    private final String name;
    private final SiteClocks siteClocks;
    private final DueWorkRunner dueWork;
    private final DatabaseClient db;
    private final Supplier<Collection<ConsumerGroup>> consumerGroups;
    private final Supplier<Admin> admin;
    private final ClockProperties properties;

    /**
     * @param db             the service's database (to wake the outbox relay); may be null
     * @param consumerGroups this service's running consumer groups, asked at every step
     * @param admin          a Kafka admin client, asked for only when there are consumer groups
     */
    public LocalClockParticipant(String name, SiteClocks siteClocks, DueWorkRunner dueWork, DatabaseClient db,
            Supplier<Collection<ConsumerGroup>> consumerGroups, Supplier<Admin> admin, ClockProperties properties) {
        this.name = name;
        this.siteClocks = siteClocks;
        this.dueWork = dueWork;
        this.db = db;
        this.consumerGroups = consumerGroups;
        this.admin = admin;
        this.properties = properties;
    }

    @Override
    public String name() {
        return name;
    }

    /** The consumer groups (and their topics) a step waits for, as they are now. */
    public List<ConsumerGroup> consumerGroups() {
        return List.copyOf(consumerGroups.get());
    }

    @Override
    public Mono<StepReport> step(String siteId, Instant t) {
        return Mono.defer(() -> {
            List<ConsumerGroup> groups = List.copyOf(consumerGroups.get());
            java.util.concurrent.atomic.AtomicBoolean progressed = new java.util.concurrent.atomic.AtomicBoolean();
            return endOffsets(groups).flatMap(ends -> siteClocks.freeze(siteId, t)
                    .then(dueWork.drain(siteId, t, properties.drainBudget()))
                    .doOnNext(drained -> progressed.set(drained.cut() && drained.ran() > 0))
                    .flatMap(drained -> drained.cut()
                            // more may be due than one call drains: say so at once, the coordinator asks again
                            ? Mono.just(new ArrayList<>(List.of("due work: draining (" + drained.ran()
                                    + " items done in this call)")))
                            : outboxPublished(siteId).zipWith(consumersCaughtUp(groups, ends), (outbox, consumers) -> {
                                List<String> waiting = new ArrayList<>(outbox);
                                waiting.addAll(consumers);
                                return waiting;
                            }))
                    .flatMap(waiting -> dueWork.pending(siteId, t).map(pending -> {
                        if (pending > 0) {
                            waiting.add("due work: " + pending + " items due by " + t + " not done yet");
                        }
                        return waiting;
                    }))
                    .flatMap(waiting -> Mono.zip(dueWork.nextDue(siteId), siteClocks.activity(siteId))
                            .map(next -> {
                                Instant nextDue = next.getT1().orElse(null);
                                long activity = next.getT2();
                                if (waiting.isEmpty()) {
                                    return StepReport.quiet(nextDue, activity);
                                }
                                // a call cut by its budget after running items made progress: not a wasted round
                                return progressed.get() ? StepReport.drained(nextDue, activity, waiting)
                                        : StepReport.busy(nextDue, activity, waiting);
                            })));
        });
    }

    @Override
    public Mono<Void> release(String siteId, Instant t) {
        return siteClocks.release(siteId, t);
    }

    /** Closes the Kafka admin client, if this participant made one (called by Spring at shutdown). */
    public void close() throws Exception {
        if (admin instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** Waits until the site has no unpublished outbox row; what is still waiting when the time is up. */
    private Mono<List<String>> outboxPublished(String siteId) {
        long deadline = System.nanoTime() + properties.outboxWait().toNanos();
        return wakeRelay().then(siteClocks.outboxPending(siteId))
                .expand(pending -> pending == 0 || System.nanoTime() > deadline ? Mono.empty()
                        : Mono.delay(properties.pollInterval()).then(siteClocks.outboxPending(siteId)))
                .last()
                .map(pending -> pending == 0 ? List.<String>of()
                        : List.of("outbox: " + pending + " events of the site not yet published"));
    }

    /** The relay listens on this channel (notified on every commit that wrote outbox rows); a nudge costs nothing. */
    private Mono<Void> wakeRelay() {
        return db == null ? Mono.empty()
                : db.sql("SELECT pg_notify('masthead_outbox', '')").fetch().rowsUpdated().then()
                        .onErrorResume(e -> Mono.empty());
    }

    /** The end offset of every partition of every consumed topic. */
    private Mono<Map<TopicPartition, Long>> endOffsets(List<ConsumerGroup> groups) {
        Set<String> topics = new LinkedHashSet<>();
        groups.forEach(group -> topics.addAll(group.topics()));
        if (topics.isEmpty()) {
            return Mono.just(Map.of());
        }
        Admin kafka = admin.get();
        // A consumed topic that does not exist yet has no records to wait for: it counts as empty.
        return Flux.fromIterable(kafka.describeTopics(topics).topicNameValues().values())
                .concatMap(future -> Mono.fromCompletionStage(future.toCompletionStage())
                        .onErrorResume(e -> isUnknownTopic(e), e -> Mono.empty()))
                .collectList()
                .flatMap(descriptions -> {
                    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
                    if (descriptions.isEmpty()) {
                        return Mono.just(Map.<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>of());
                    }
                    for (TopicDescription description : descriptions) {
                        description.partitions().forEach(p -> request.put(
                                new TopicPartition(description.name(), p.partition()), OffsetSpec.latest()));
                    }
                    return Mono.fromCompletionStage(() -> kafka.listOffsets(request).all().toCompletionStage());
                })
                .map(offsets -> {
                    Map<TopicPartition, Long> ends = new HashMap<>();
                    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : offsets.entrySet()) {
                        ends.put(e.getKey(), e.getValue().offset());
                    }
                    return ends;
                });
    }

    private static boolean isUnknownTopic(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return true;
            }
        }
        return false;
    }

    /** Waits until every group committed the end offsets; the groups still behind when the time is up. */
    private Mono<List<String>> consumersCaughtUp(List<ConsumerGroup> groups, Map<TopicPartition, Long> ends) {
        if (groups.isEmpty() || ends.isEmpty()) {
            return Mono.just(List.of());
        }
        long deadline = System.nanoTime() + properties.consumerWait().toNanos();
        return behind(groups, ends)
                .expand(behind -> behind.isEmpty() || System.nanoTime() > deadline ? Mono.empty()
                        : Mono.delay(properties.pollInterval()).then(behind(groups, ends)))
                .last();
    }

    private Mono<List<String>> behind(List<ConsumerGroup> groups, Map<TopicPartition, Long> ends) {
        Admin kafka = admin.get();
        return Flux.fromIterable(groups)
                .concatMap(group -> Mono.fromCompletionStage(() -> kafka.listConsumerGroupOffsets(group.groupId())
                                .partitionsToOffsetAndMetadata().toCompletionStage())
                        .map(committed -> lag(group, committed, ends))
                        .filter(lag -> !lag.isEmpty())
                        .map(lag -> "consumer group " + group.groupId() + ": " + describe(lag)))
                .collectList();
    }

    static Map<String, Long> lag(ConsumerGroup group, Map<TopicPartition, OffsetAndMetadata> committed,
            Map<TopicPartition, Long> ends) {
        Map<String, Long> lag = new LinkedHashMap<>();
        ends.forEach((partition, end) -> {
            if (!group.topics().contains(partition.topic())) {
                return;
            }
            OffsetAndMetadata offset = committed.get(partition);
            long done = offset == null ? 0 : offset.offset();
            if (done < end) {
                lag.merge(partition.topic(), end - done, Long::sum);
            }
        });
        return lag;
    }

    private static String describe(Map<String, Long> lag) {
        List<String> parts = new ArrayList<>();
        lag.forEach((topic, records) -> parts.add(records + " records behind on " + topic));
        return String.join(", ", parts);
    }
}
