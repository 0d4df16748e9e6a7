package io.masthead.customer.organization.application;

import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.customer.organization.infrastructure.OrganizationEvents;
import io.masthead.customer.organization.infrastructure.OrganizationRepository;
import io.masthead.customer.organization.model.Organization;
import io.masthead.customer.organization.model.OrganizationProfile;
import io.masthead.platform.id.Ids;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.security.Caller;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.platform.time.SiteTime;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Organization use cases; each change commits with its event. */
@Service
public class OrganizationService {

    private final OrganizationRepository organizations;
    private final Outbox outbox;
    private final EventHeaderFactory headers;
    private final TransactionalOperator transaction;
    private final Clock clock;
    private final SiteTime siteTime;

    public OrganizationService(OrganizationRepository organizations, Outbox outbox, EventHeaderFactory headers,
            TransactionalOperator transaction, Clock clock, SiteTime siteTime) {
        this.organizations = organizations;
        this.outbox = outbox;
        this.headers = headers;
        this.transaction = transaction;
        this.clock = clock;
        this.siteTime = siteTime;
    }

    public Mono<Organization> create(Caller caller, OrganizationProfile profile) {
        return Mono.defer(() -> {
            caller.requireAdmin();
            profile.validate().throwIfAny();
            return siteTime.now(caller);
        }).flatMap(now -> {
            Organization org = Organization.create(Ids.next(Organization.ID_PREFIX, clock), caller.siteId(), profile,
                    now);
            return transaction.transactional(organizations.insert(org)
                    .then(headers.header(OrganizationEvents.CREATED, caller, now))
                    .flatMap(header -> outbox.append(OrganizationEvents.created(header, org)))
                    .thenReturn(org));
        });
    }

    public Mono<Organization> update(Caller caller, String id, UnaryOperator<OrganizationProfile> change) {
        caller.requireAdmin();
        return transaction.transactional(organizations.findForUpdate(caller.siteId(), id)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("organization", id)))
                .flatMap(before -> siteTime.now(caller).flatMap(now -> {
                    OrganizationProfile profile = change.apply(before.profile());
                    profile.validate().throwIfAny();
                    Organization after = before.withProfile(profile, now);
                    List<String> changed = after.changedFieldsSince(before);
                    if (changed.isEmpty()) {
                        return Mono.just(before);
                    }
                    return organizations.update(after)
                            .then(headers.header(OrganizationEvents.UPDATED, caller, after.updatedAt()))
                            .flatMap(header -> outbox.append(OrganizationEvents.updated(header, after, changed)))
                            .thenReturn(after);
                })));
    }

    public Mono<Organization> get(Caller caller, String id) {
        caller.requireAdmin();
        return organizations.find(caller.siteId(), id)
                .switchIfEmpty(Mono.error(() -> ProblemException.notFound("organization", id)));
    }

    public Mono<ListResponse<Organization>> list(Caller caller, PageRequest page) {
        caller.requireAdmin();
        return organizations.list(caller.siteId(), page).collectList()
                .map(rows -> ListResponse.of(rows, page, Organization::id));
    }
}
