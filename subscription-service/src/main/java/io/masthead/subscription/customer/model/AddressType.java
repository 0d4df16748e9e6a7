package io.masthead.subscription.customer.model;

import java.util.Locale;

/** What a customer's address is for. */
public enum AddressType {
    BILLING,
    SHIPPING;

    /** The name in JSON and events: {@code billing}, {@code shipping}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but {@code billing} or {@code shipping} */
    public static AddressType of(String value) {
        if (value != null) {
            for (AddressType type : values()) {
                if (type.value().equals(value)) {
                    return type;
                }
            }
        }
        throw new IllegalArgumentException("not an address type: " + value);
    }
}
