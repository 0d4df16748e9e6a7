package io.masthead.gateway.site.model;

import java.time.Instant;
import java.util.Objects;

/** A tenant: owns all data in every service, identified by {@code site_...}. */
public record Site(String id, String name, SiteMode mode, Instant createdAt) {

    public static final String ID_PREFIX = "site";
    public static final int NAME_MAX_LENGTH = 200;

    public Site {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Why {@code name} cannot name a site, or {@code null} when it can. */
    public static String nameProblem(String name) {
        if (name == null || name.isBlank()) {
            return "is required";
        }
        if (name.strip().length() > NAME_MAX_LENGTH) {
            return "must be at most " + NAME_MAX_LENGTH + " characters";
        }
        return null;
    }
}
