package io.masthead.customer.address.model;

import java.util.Locale;

/** Billing addresses are who is invoiced; shipping addresses are where physical products go. */
public enum AddressType {
    BILLING, SHIPPING;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type for its JSON value, or null when there is no such type. */
    public static AddressType parse(String value) {
        for (AddressType type : values()) {
            if (type.value().equals(value)) {
                return type;
            }
        }
        return null;
    }
}
