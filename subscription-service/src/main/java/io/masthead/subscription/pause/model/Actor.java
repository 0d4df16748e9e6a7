package io.masthead.subscription.pause.model;

import java.util.Locale;
import java.util.Objects;

/**
 * Who paused or resumed: a site's secret key ({@code admin}; the internal token names no key, so no id), an end
 * customer (their customer id), or the system (the pause's end).
 */
public record Actor(Type type, String id) {

    public enum Type {
        ADMIN, CUSTOMER, SYSTEM;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Type parse(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    public static final Actor ADMIN = new Actor(Type.ADMIN, null);
    public static final Actor SYSTEM = new Actor(Type.SYSTEM, null);

    public Actor {
        Objects.requireNonNull(type, "type");
        if ((type == Type.CUSTOMER) != (id != null)) {
            throw new IllegalArgumentException("a customer actor has its id, and only a customer");
        }
    }

    public static Actor customer(String customerId) {
        return new Actor(Type.CUSTOMER, Objects.requireNonNull(customerId, "customerId"));
    }

    public boolean isAdmin() {
        return type == Type.ADMIN;
    }
}
