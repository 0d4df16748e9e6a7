package io.masthead.subscription.customer.model;

import java.time.Instant;
import java.util.Objects;

/** An organization (a business customers belong to) as this service knows it: its name is searched as a company. */
public record KnownOrganization(String id, String siteId, String name, Instant updatedAt) {

    public KnownOrganization {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
