package io.masthead.subscription.entitlement.application;

import io.masthead.platform.duework.DueItem;
import io.masthead.platform.duework.DueWork;
import io.masthead.platform.duework.DueWorkHandler;
import io.masthead.platform.r2dbc.Conflicts;
import io.masthead.subscription.entitlement.infrastructure.EntitlementRepository;
import io.masthead.subscription.entitlement.model.ChangeReason;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Computes again, in batches, the sets of every customer a change concerns that is not a change of the customer's
 * own subscriptions: a new free tier (the customers whose stored set is the free tier) or new entitlements of a plan
 * (the customers holding a granting subscription of it). Due work of kind {@value #KIND}, one item per change scope
 * (key {@code free_tier:<site>} or {@code plan:<plan>}), due at once: each run takes the next {@code masthead.entitlements.resync.batch-size} (default 100)
 * customers after the stored cursor, in customer id order, computes each one in a short transaction of its own
 * (telling the ones that changed; one customer locked at a time, so a resync never holds several customers' locks
 * against a bulk change that locks them in another order), and schedules the next batch in the item's transaction
 * (the batch is only the cursor of the due work: a run that fails after some customers committed runs the batch
 * again, and those customers find their sets unchanged). Another change of the same scope meanwhile moves the item back
 * to the first customer, so the last change is the one every customer ends up with; a customer computed twice is
 * told once (the second finds its set unchanged).
 */
@Service
public class EntitlementResync implements DueWorkHandler {

    public static final String KIND = "entitlements.resync";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String FREE_TIER = "free_tier:";
    private static final String PLAN = "plan:";

    private final EntitlementRepository repository;
    private final EntitlementSync sync;
    private final DueWork dueWork;

    private final TransactionalOperator ownTransaction;
    private final int batchSize;

    public EntitlementResync(EntitlementRepository repository, EntitlementSync sync, DueWork dueWork,
            ReactiveTransactionManager transactions,
            @Value("${masthead.entitlements.resync.batch-size:100}") int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("masthead.entitlements.resync.batch-size must be at least 1");
        }
        this.batchSize = batchSize;
        this.repository = repository;
        this.sync = sync;
        this.dueWork = dueWork;
        this.ownTransaction = TransactionalOperator.create(transactions,
                new DefaultTransactionDefinition(TransactionDefinition.PROPAGATION_REQUIRES_NEW));
    }

    /**
     * Where a resync is: the last customer done (null before the first) and the event that caused it, if any, with
     * its correlation id.
     */
    public record Progress(String after, String causeEventId, String causeEventType, String causeCorrelationId) {
    }

    public static String freeTierKey(String siteId) {
        return FREE_TIER + siteId;
    }

    public static String planKey(String planId) {
        return PLAN + planId;
    }

    public static String payload(Progress progress) {
        return JSON.writeValueAsString(progress);
    }

    static Progress progress(String payload) {
        return payload == null ? new Progress(null, null, null, null) : JSON.readValue(payload, Progress.class);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Mono<Void> handle(DueItem item, Instant siteNow) {
        return Mono.defer(() -> {
            Progress progress = progress(item.payload());
            boolean freeTier = item.key().startsWith(FREE_TIER);
            ChangeReason reason = freeTier ? ChangeReason.FREE_TIER_CHANGED : ChangeReason.PLAN_CHANGED;
            EntitlementSync.Cause cause = new EntitlementSync.Cause(reason, progress.causeEventId(),
                    progress.causeEventType(), progress.causeCorrelationId());
            Flux<String> customers = freeTier
                    ? repository.customersOnTheFreeTier(item.siteId(), progress.after(), batchSize)
                    : repository.holdersOfPlan(item.siteId(), item.key().substring(PLAN.length()), progress.after(),
                            batchSize);
            return customers.collectList().flatMap(batch -> Flux.fromIterable(batch)
                    .concatMap(customer -> Conflicts.retrying(Mono.defer(() -> ownTransaction.transactional(
                            sync.recompute(item.siteId(), item.livemode(), customer, siteNow, cause)))))
                    .then(next(item, progress, batch, siteNow)));
        });
    }

    /** The next batch's item, written by this item's transaction (it replaces the item this run deleted). */
    private Mono<Void> next(DueItem item, Progress progress, List<String> batch, Instant siteNow) {
        if (batch.size() < batchSize) {
            return Mono.empty();
        }
        return dueWork.schedule(item.siteId(), item.livemode(), KIND, item.key(), siteNow,
                payload(new Progress(batch.getLast(), progress.causeEventId(), progress.causeEventType(),
                        progress.causeCorrelationId())));
    }
}
