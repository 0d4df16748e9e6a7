package io.masthead.customer.organization.infrastructure;

import io.masthead.customer.events.CustomerTopic;
import io.masthead.customer.organization.model.Organization;
import io.masthead.events.EventHeader;
import io.masthead.events.customer.OrganizationCreated;
import io.masthead.events.customer.OrganizationUpdated;
import io.masthead.platform.outbox.OutboxMessage;
import java.util.List;

/** The Avro events of organizations, keyed by the organization id (an organization has no one customer). */
public final class OrganizationEvents {

    public static final String CREATED = "organization.created";
    public static final String UPDATED = "organization.updated";

    private OrganizationEvents() {
    }

    public static OutboxMessage created(EventHeader header, Organization o) {
        return CustomerTopic.message(header, o.id(),
                OrganizationCreated.newBuilder().setHeader(header).setOrganization(snapshot(o)).build());
    }

    public static OutboxMessage updated(EventHeader header, Organization o, List<String> changedFields) {
        return CustomerTopic.message(header, o.id(), OrganizationUpdated.newBuilder().setHeader(header)
                .setOrganization(snapshot(o)).setChangedFields(changedFields).build());
    }

    static io.masthead.events.customer.Organization snapshot(Organization o) {
        return io.masthead.events.customer.Organization.newBuilder()
                .setId(o.id())
                .setName(o.profile().name())
                .setIndustry(o.profile().industry())
                .setWebsite(o.profile().website())
                .setMetadata(o.profile().metadata())
                .setCreatedAt(o.createdAt())
                .setUpdatedAt(o.updatedAt())
                .build();
    }
}
