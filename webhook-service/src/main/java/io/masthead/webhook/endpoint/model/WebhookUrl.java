package io.masthead.webhook.endpoint.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * The shape an endpoint URL must have: absolute http(s) with a host, no user info, no fragment, at most
 * 2,048 characters; https only for live sites. Where it may point is the SSRF guard's business.
 */
public final class WebhookUrl {

    public static final int MAX_LENGTH = 2048;

    private WebhookUrl() {
    }

    /** Why {@code url} is not acceptable, or empty when it is. */
    public static Optional<String> problem(String url, boolean httpsOnly) {
        if (url == null || url.isBlank()) {
            return Optional.of("is required");
        }
        if (url.length() > MAX_LENGTH) {
            return Optional.of("must be at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || scheme == null || !(scheme.equals("https") || scheme.equals("http"))) {
            return Optional.of("must be an absolute http or https URL");
        }
        if (httpsOnly && !scheme.equals("https")) {
            return Optional.of("must use https for a live site");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return Optional.of("must have a host name or address");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not contain a user name or password");
        }
        if (uri.getRawFragment() != null) {
            return Optional.of("must not contain a fragment");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return Optional.of("has an invalid port");
        }
        return Optional.empty();
    }

    /** The host of a URL already accepted by {@link #problem}, without IPv6 brackets. */
    public static String host(String url) {
        String host = URI.create(url).getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
