package io.masthead.subscription.subscription.model;

import java.util.Locale;

/**
 * A subscription's place in a membership group (migration guide: {@code subscription.type} and
 * {@code common_metadata.membership}). Every group has a single admin; members hang off the admin's subscription.
 * A regular subscription has no group.
 */
public record Membership(Type type, String group, String adminSubscriptionId) {

    public enum Type {
        REGULAR, ADMIN, MEMBER;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static boolean isKnown(String value) {
            return "regular".equals(value) || "admin".equals(value) || "member".equals(value);
        }

        public static Type parse(String value) {
            return Type.valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    public static final Membership REGULAR = new Membership(Type.REGULAR, null, null);

    public boolean isRegular() {
        return type == Type.REGULAR;
    }
}
