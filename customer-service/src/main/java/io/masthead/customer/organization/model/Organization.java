package io.masthead.customer.organization.model;

import io.masthead.platform.model.RecordDiff;
import java.time.Instant;
import java.util.List;

/** An organization of a site, which customers may belong to. */
public record Organization(String id, String siteId, OrganizationProfile profile, Instant createdAt,
        Instant updatedAt) {

    public static final String ID_PREFIX = "org";

    public static Organization create(String id, String siteId, OrganizationProfile profile, Instant now) {
        return new Organization(id, siteId, profile, now, now);
    }

    public Organization withProfile(OrganizationProfile newProfile, Instant now) {
        return new Organization(id, siteId, newProfile, createdAt, now);
    }

    public List<String> changedFieldsSince(Organization before) {
        return RecordDiff.changedFields(before.profile, profile);
    }
}
