package io.masthead.platform.security;

/** The contract of the short-lived JWT the gateway mints and every service verifies. */
public final class InternalToken {
    public static final String ISSUER = "masthead-gateway";
    public static final String AUDIENCE = "masthead-services";
    public static final String CLAIM_SITE = "site_id";
    public static final String CLAIM_ROLE = "role";
    public static final String CLAIM_CUSTOMER = "customer_id";
    public static final String CLAIM_LIVEMODE = "livemode";

    private InternalToken() {
    }
}
