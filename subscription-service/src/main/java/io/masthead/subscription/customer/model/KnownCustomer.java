package io.masthead.subscription.customer.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A customer of a site as this service knows it: a copy of customer-service's customer (from {@code customers.v1},
 * or asked over HTTP when an event has not arrived yet), as of {@code updatedAt}. The fields subscriptions show,
 * search and validate by; customer-service stays the owner.
 */
public record KnownCustomer(String id, String siteId, String oldProviderId, String email, String firstName,
        String lastName, String phone, String displayName, String organizationId, Instant createdAt,
        Instant updatedAt) {

    /** The prefix of customer ids (customer-service's). */
    public static final String ID_PREFIX = "cus";

    public KnownCustomer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** "First Last", or whichever of the two there is; null when neither. */
    public String name() {
        if (firstName == null && lastName == null) {
            return null;
        }
        return firstName == null ? lastName : lastName == null ? firstName : firstName + " " + lastName;
    }
}
