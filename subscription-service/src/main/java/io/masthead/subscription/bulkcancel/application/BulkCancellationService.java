package io.masthead.subscription.bulkcancel.application;

import io.masthead.platform.duework.DueItem;
import io.masthead.platform.duework.DueWork;
import io.masthead.platform.duework.DueWorkProperties;
import io.masthead.platform.duework.DueWorkHandler;
import io.masthead.platform.id.Ids;
import io.masthead.platform.r2dbc.Conflicts;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.bulkcancel.infrastructure.BulkCancellationRepository;
import io.masthead.subscription.bulkcancel.model.BulkCancellation;
import io.masthead.subscription.subscription.application.SubscriptionService;
import io.masthead.subscription.subscription.application.SubscriptionService.BulkResult;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bulk cancellation jobs: accepted at once (202), run as due work in batches. Each batch is one item of kind
 * {@value #KIND} (key: the job id) run in one transaction: its cancellations (with their events), the job's new
 * counts and cursor, and the next batch's item commit together. A crash loses at most the batch in flight, which runs
 * again from the stored cursor; a subscription already ended or already canceling is skipped, so nothing is canceled
 * twice.
 *
 * <p>A batch runs in a transaction of its own inside the item's: when it fails on the item's last try, its work rolls
 * back and the item's transaction (still sound) marks the job {@code failed} with the error, instead of the item being
 * parked with the job forever {@code running}.
 */
@Service
public class BulkCancellationService implements DueWorkHandler {

    public static final String KIND = "bulk_cancellation.batch";
    public static final int BATCH_SIZE = 250;

    private static final Logger log = LoggerFactory.getLogger(BulkCancellationService.class);

    private final BulkCancellationRepository jobs;
    private final SubscriptionService subscriptions;
    private final DueWork dueWork;
    private final TransactionalOperator transaction;
    private final TransactionalOperator ownTransaction;
    private final int maxAttempts;
    private final SiteTime siteTime;
    private final Clock clock;

    public BulkCancellationService(BulkCancellationRepository jobs, SubscriptionService subscriptions,
            DueWork dueWork, TransactionalOperator transaction, ReactiveTransactionManager transactions,
            DueWorkProperties dueWorkProperties, SiteTime siteTime, Clock clock) {
        this.jobs = jobs;
        this.subscriptions = subscriptions;
        this.dueWork = dueWork;
        this.transaction = transaction;
        this.ownTransaction = TransactionalOperator.create(transactions,
                new DefaultTransactionDefinition(TransactionDefinition.PROPAGATION_REQUIRES_NEW));
        this.maxAttempts = dueWorkProperties.maxAttempts();
        this.siteTime = siteTime;
        this.clock = clock;
    }

    /** Accepts a job (parsed from the request with the site's time) and schedules its first batch. */
    public Mono<BulkCancellation> create(Caller caller, Function<Instant, BulkCancellation> request) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return siteTime.now(caller).flatMap(now -> {
                BulkCancellation job = request.apply(now);
                Mono<BulkCancellation> work = jobs.insert(job)
                        .then(dueWork.schedule(job.siteId(), job.livemode(), KIND, job.id(), job.firstBatchAt(), null))
                        .thenReturn(job);
                return transaction.transactional(work);
            });
        });
    }

    public String newId() {
        return Ids.next(BulkCancellation.ID_PREFIX, clock);
    }

    public Mono<BulkCancellation> get(Caller caller, String id) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return jobs.find(caller.siteId(), id)
                    .switchIfEmpty(Mono.error(() -> ProblemException.notFound("bulk_cancellation", id)));
        });
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** One batch of a job, in the transaction that completes its item (the batch itself in one of its own). */
    @Override
    public Mono<Void> handle(DueItem item, Instant siteNow) {
        // the next batch's item is written by the item's transaction: it replaces the item this one deleted
        // a deadlock with a concurrent change (PostgreSQL aborts one of the two) runs the batch again at once instead
        // of using up one of the item's tries
        Mono<Void> batch = Conflicts.retrying(ownTransaction.transactional(runBatch(item, siteNow)))
                .flatMap(job -> job.isFinished() ? Mono.<Void>empty()
                        : dueWork.schedule(job.siteId(), job.livemode(), KIND, job.id(), siteNow, null));
        return batch.onErrorResume(error -> {
            if (item.attempts() + 1 < maxAttempts) {
                return Mono.error(error);
            }
            Throwable cause = org.springframework.core.NestedExceptionUtils.getMostSpecificCause(error);
            String reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
            log.error("Bulk cancellation {} of site {} failed after {} tries: {}", item.key(), item.siteId(),
                    item.attempts() + 1, reason);
            return jobs.findForUpdate(item.siteId(), item.key())
                    .flatMap(job -> jobs.update(job.failed(reason.length() > 1000 ? reason.substring(0, 1000)
                            : reason, siteNow)));
        });
    }

    /** The batch and the job's progress; the job after it (empty when it had finished already). */
    private Mono<BulkCancellation> runBatch(DueItem item, Instant siteNow) {
        return jobs.findForUpdate(item.siteId(), item.key())
                .filter(job -> !job.isFinished())
                .flatMap(job -> job.status() == BulkCancellation.Status.PENDING
                        ? subscriptions.countInScope(job.siteId(), job.snapshot(), job.snapshotIdBound())
                                .map(n -> job.started(n, siteNow))
                        : Mono.just(job))
                .flatMap(job -> batch(job, siteNow));
    }

    private Mono<BulkCancellation> batch(BulkCancellation job, Instant now) {
        return subscriptions.idsInScope(job.siteId(), job.snapshot(), job.snapshotIdBound(), job.cursor(), BATCH_SIZE)
                .collectList()
                .flatMap(ids -> subscriptions.lockAll(job.siteId(), ids).thenMany(Flux.fromIterable(ids))
                        .concatMap(id -> subscriptions.cancelInBulk(job.siteId(), id, job.cancelsAtPeriodEnd(),
                                job.dryRun(), now))
                        .collectList()
                        .map(outcomes -> tally(ids, outcomes)))
                .flatMap(batch -> {
                    BulkCancellation after = job.after(batch, now);
                    if (after.isFinished()) {
                        log.info("Bulk cancellation {} of site {} {}: {}", job.id(), job.siteId(),
                                after.status().wireName(), after.report());
                    }
                    return jobs.update(after).thenReturn(after);
                });
    }

    private static BulkCancellation.Batch tally(List<String> ids, List<BulkResult> outcomes) {
        int canceled = 0;
        int ended = 0;
        int canceling = 0;
        long withAdmin = 0;
        for (BulkResult o : outcomes) {
            switch (o.outcome()) {
                case CANCELED, WOULD_CANCEL -> canceled++;
                case ALREADY_ENDED -> ended++;
                case ALREADY_CANCELING -> canceling++;
            }
            withAdmin += o.withAdmin();
        }
        return new BulkCancellation.Batch(canceled, ended, canceling, withAdmin, ids.isEmpty() ? null : ids.getLast(),
                ids.size() < BATCH_SIZE);
    }
}
