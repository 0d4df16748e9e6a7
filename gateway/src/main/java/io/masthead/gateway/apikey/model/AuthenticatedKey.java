package io.masthead.gateway.apikey.model;

/** What a successful key lookup yields: enough to act as the site's admin. */
public record AuthenticatedKey(String keyId, String siteId, boolean livemode) {
}
