package io.masthead.subscription.entitlement.application;

import io.masthead.platform.duework.DueWork;
import io.masthead.platform.r2dbc.Conflicts;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.subscription.entitlement.infrastructure.EntitlementRepository;
import io.masthead.subscription.entitlement.model.EntitlementSettings;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * A site's entitlement settings (admin only). A new free tier is stored with the resync that tells every customer
 * whose stored set is the free tier ({@link EntitlementResync}), in one transaction: the settings row is locked
 * {@code FOR UPDATE}, and every computation that stores a set reads it {@code FOR SHARE}, so each such computation
 * either sees the new free tier or commits before the change (and the resync then finds its customer).
 */
@Service
public class EntitlementSettingsService {

    private final EntitlementRepository repository;
    private final DueWork dueWork;
    private final SiteTime siteTime;
    private final TransactionalOperator transaction;

    public EntitlementSettingsService(EntitlementRepository repository, DueWork dueWork, SiteTime siteTime,
            TransactionalOperator transaction) {
        this.repository = repository;
        this.dueWork = dueWork;
        this.siteTime = siteTime;
        this.transaction = transaction;
    }

    public Mono<EntitlementSettings> get(Caller caller) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return repository.settings(caller.siteId());
        });
    }

    /**
     * Replaces the site's free tier. The same names (in any order) change nothing and are answered as stored.
     *
     * <p>Lock order: the resync's item first, then the settings row. A running free-tier resync holds its item (its
     * run deleted it) while its computations read the settings row {@code FOR SHARE}; so the change schedules the
     * resync before it locks the row {@code FOR UPDATE} (scheduling the other way round waits for the run, which
     * waits for the row). Whether to schedule is decided on an unlocked read; when the locked row shows another
     * change landed in between, the transaction is run again. A deadlock all the same is retried
     * ({@link Conflicts}).
     *
     * @param freeTier as the request gave it (null: the field is missing, a 422)
     */
    public Mono<EntitlementSettings> put(Caller caller, List<String> freeTier) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return siteTime.now(caller).flatMap(now -> {
                EntitlementSettings next = EntitlementSettings.request(caller.siteId(), freeTier, now);
                Mono<EntitlementSettings> put = Mono.defer(() -> transaction.transactional(
                        repository.settings(caller.siteId()).flatMap(seen -> {
                            boolean scheduled = seen.freeTierDiffersFrom(next);
                            return (scheduled ? dueWork.schedule(caller.siteId(), caller.livemode(),
                                    EntitlementResync.KIND, EntitlementResync.freeTierKey(caller.siteId()), now, null)
                                    : Mono.<Void>empty())
                                    .then(repository.lockSettings(caller.siteId(), true))
                                    .flatMap(current -> save(current, next, scheduled));
                        })));
                return Conflicts.retrying(put.retryWhen(Retry.max(3).filter(ChangedMeanwhile.class::isInstance)));
            });
        });
    }

    private Mono<EntitlementSettings> save(EntitlementSettings current, EntitlementSettings next, boolean scheduled) {
        boolean differs = current.freeTierDiffersFrom(next);
        if (!differs && current.updatedAt() != null) {
            return Mono.just(current); // a resync scheduled on the unlocked read finds nothing to tell
        }
        if (differs && !scheduled) {
            return Mono.error(new ChangedMeanwhile());
        }
        return repository.saveSettings(next).thenReturn(next);
    }

    /** The free tier changed between the unlocked read and the lock: the resync is not scheduled yet. */
    private static final class ChangedMeanwhile extends RuntimeException {
        ChangedMeanwhile() {
            super("the free tier changed meanwhile", null, false, false);
        }
    }
}
