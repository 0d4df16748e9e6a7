package io.masthead.subscription.subscription.model;

import java.util.Locale;

/** How a subscription's invoices are paid: charged to the payment method on file, or sent to be paid. */
public enum CollectionMethod {
    CHARGE_AUTOMATICALLY, SEND_INVOICE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CollectionMethod parse(String value) {
        return CollectionMethod.valueOf(value.toUpperCase(Locale.ROOT));
    }

    public static boolean isKnown(String value) {
        return "charge_automatically".equals(value) || "send_invoice".equals(value);
    }
}
