package io.masthead.platform.security;

import java.util.Objects;

/**
 * Who is calling a service, as stated by the gateway's internal token: the site (tenant) every query is
 * scoped to, the role, and for the {@link Role#CUSTOMER} role the end customer acting.
 */
public record Caller(String siteId, Role role, String customerId, boolean livemode) {

    public enum Role {
        /** A site's secret API key: may do anything within the site. */
        ADMIN,
        /** One end customer of a site (self-service). */
        CUSTOMER;

        public String claimValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Role fromClaim(String value) {
            return Role.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public Caller {
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(role, "role");
        if (role == Role.CUSTOMER && customerId == null) {
            throw new IllegalArgumentException("a customer caller needs a customer id");
        }
    }

    public static Caller admin(String siteId, boolean livemode) {
        return new Caller(siteId, Role.ADMIN, null, livemode);
    }

    public static Caller customer(String siteId, String customerId, boolean livemode) {
        return new Caller(siteId, Role.CUSTOMER, customerId, livemode);
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** Refuses (403) anyone but the site's admin. */
    public Caller requireAdmin() {
        if (!isAdmin()) {
            throw new org.springframework.security.access.AccessDeniedException("admin only");
        }
        return this;
    }

    /**
     * Whether this caller may see and act on what belongs to customer {@code customerId}: the site's admin, or that
     * customer itself. A service answers 404 to a customer asking for another's objects, as if they did not exist.
     */
    public boolean mayActFor(String customerId) {
        return isAdmin() || (customerId != null && customerId.equals(this.customerId));
    }

    /** Refuses (403) anyone but the site's admin and the customer {@code customerId} itself. */
    public Caller requireAdminOr(String customerId) {
        if (!isAdmin() && !Objects.equals(this.customerId, customerId)) {
            throw new org.springframework.security.access.AccessDeniedException("not this customer");
        }
        return this;
    }
}
