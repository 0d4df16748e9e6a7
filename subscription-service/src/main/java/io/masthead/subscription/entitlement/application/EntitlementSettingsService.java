package io.masthead.subscription.entitlement.application;

import io.masthead.platform.duework.DueWork;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.subscription.entitlement.infrastructure.EntitlementRepository;
import io.masthead.subscription.entitlement.model.EntitlementSettings;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * A site's entitlement settings (admin only). A new free tier is stored with the resync that tells every customer on
 * the free tier ({@link EntitlementResync}), in one transaction: the settings row is locked {@code FOR UPDATE}, and
 * every computation that stores a free-tier set reads it {@code FOR SHARE}, so each such computation either sees the
 * new free tier or commits before the resync starts (which then finds its customer).
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
     * @param freeTier as the request gave it (null: the field is missing, a 422)
     */
    public Mono<EntitlementSettings> put(Caller caller, List<String> freeTier) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            return siteTime.now(caller).flatMap(now -> {
                EntitlementSettings next = EntitlementSettings.request(caller.siteId(), freeTier, now);
                return transaction.transactional(repository.lockSettings(caller.siteId(), true)
                        .flatMap(current -> !current.freeTierDiffersFrom(next) && current.updatedAt() != null
                                ? Mono.just(current)
                                : repository.saveSettings(next)
                                        .then(current.freeTierDiffersFrom(next)
                                                ? dueWork.schedule(caller.siteId(), caller.livemode(),
                                                        EntitlementResync.KIND,
                                                        EntitlementResync.freeTierKey(caller.siteId()), now,
                                                        null)
                                                : Mono.empty())
                                        .thenReturn(next)));
            });
        });
    }
}
