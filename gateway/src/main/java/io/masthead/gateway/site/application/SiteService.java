package io.masthead.gateway.site.application;

import io.masthead.gateway.apikey.application.ApiKeyService;
import io.masthead.gateway.apikey.model.IssuedKey;
import io.masthead.gateway.apikey.model.SecretKey;
import io.masthead.gateway.site.infrastructure.SiteRepository;
import io.masthead.gateway.site.model.Site;
import io.masthead.gateway.site.model.SiteMode;
import io.masthead.gateway.site.model.SiteWithKey;
import io.masthead.platform.id.Ids;
import io.masthead.platform.validation.ValidationException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Creating sites, each with its first secret key, in one transaction. An operator task, not an API. */
@Service
public class SiteService {

    private final SiteRepository sites;
    private final ApiKeyService apiKeys;
    private final Clock clock;
    private final TransactionalOperator transaction;

    public SiteService(SiteRepository sites, ApiKeyService apiKeys, Clock clock,
            ReactiveTransactionManager transactionManager) {
        this.sites = sites;
        this.apiKeys = apiKeys;
        this.clock = clock;
        this.transaction = TransactionalOperator.create(transactionManager);
    }

    /** A new site and a new random secret key for it. */
    public Mono<SiteWithKey> create(String name, SiteMode mode) {
        return create(name, mode, site -> apiKeys.issue(site.id(), mode.livemode()));
    }

    /** A new site whose first key is {@code secret} (re-creating the dev site after a database reset). */
    public Mono<SiteWithKey> create(String name, SiteMode mode, SecretKey secret) {
        if (secret.livemode() != mode.livemode()) {
            return Mono.error(ValidationException.of("key", "is a " + (secret.livemode() ? "live" : "test")
                    + " key but the site is in " + mode.value() + " mode"));
        }
        return create(name, mode, site -> apiKeys.store(site.id(), secret));
    }

    private Mono<SiteWithKey> create(String name, SiteMode mode,
            java.util.function.Function<Site, Mono<IssuedKey>> firstKey) {
        return Mono.defer(() -> {
            String problem = Site.nameProblem(name);
            if (problem != null) {
                return Mono.error(ValidationException.of("name", problem));
            }
            Site site = new Site(Ids.next(Site.ID_PREFIX, clock), name.strip(), mode,
                    clock.instant().truncatedTo(ChronoUnit.MICROS));
            return sites.insert(site)
                    .then(firstKey.apply(site))
                    .map(key -> new SiteWithKey(site, key))
                    .as(transaction::transactional);
        });
    }
}
