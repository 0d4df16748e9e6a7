package io.masthead.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.events.EventHeader;
import io.masthead.events.customer.Organization;
import io.masthead.events.customer.OrganizationCreated;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventRecordsTest {

    private static final Instant AT = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void readsTheHeaderOfAnEvent() {
        EventHeader header = EventHeader.newBuilder().setEventId("e1").setEventType("organization.created")
                .setSiteId("site_a").setOccurredAt(AT).setProducer("p").setLivemode(false).build();
        Organization org = Organization.newBuilder().setId("org_1").setName("A").setCreatedAt(AT).setUpdatedAt(AT)
                .build();
        assertThat(EventRecords.headerOf(OrganizationCreated.newBuilder().setHeader(header).setOrganization(org)
                .build())).isSameAs(header);
        // a record without a header field, and values that are no records
        assertThat(EventRecords.headerOf(org)).isNull();
        assertThat(EventRecords.headerOf("text")).isNull();
        assertThat(EventRecords.headerOf(null)).isNull();
    }
}
