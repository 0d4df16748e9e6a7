package io.masthead.subscription.subscription.model;

/**
 * A change the rules refuse, as a value: the rule broken, the field it concerns (null for the subscription as a
 * whole) and a sentence for the client. {@link Kind#CONFLICT} means the request is fine but the subscription's
 * state forbids it (409); {@link Kind#INVALID} means the input itself breaks a rule (422).
 */
public record Rejection(Kind kind, String rule, String field, String message) {

    public enum Kind { INVALID, CONFLICT }

    public static Rejection invalid(String rule, String field, String message) {
        return new Rejection(Kind.INVALID, rule, field, message);
    }

    public static Rejection conflict(String rule, String message) {
        return new Rejection(Kind.CONFLICT, rule, null, message);
    }

    public static Rejection illegalTransition(SubscriptionStatus from, String action) {
        return conflict("illegal_transition", "a " + from.wireName() + " subscription cannot be " + action);
    }
}
