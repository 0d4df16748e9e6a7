package io.masthead.gateway.auth.model;

import io.masthead.platform.id.Ids;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * What a publishable key and a customer token may call, decided at the gateway before anything is forwarded (the
 * services check again): an allowlist. A publishable key logs customers in and nothing else. A customer token reaches
 * its own customer, its addresses, entitlements and subscriptions, and logout; every other operation (webhooks, API
 * keys, test clock, lists, exports, writes of the catalogue...) is refused. A path naming another customer's id
 * answers as if it did not exist.
 */
public final class CallerAccess {

    /** The gateway's answer to a request. */
    public enum Decision {
        ALLOW, FORBIDDEN, NOT_FOUND
    }

    /** The id prefixes of addresses and subscriptions (customer-service, subscription-service). */
    static final String ADDRESS_PREFIX = "adr";
    static final String SUBSCRIPTION_PREFIX = "sub";

    private CallerAccess() {
    }

    /**
     * The path's segments decoded as the services' dispatchers decode them (so {@code %65xport} is {@code export});
     * empty, and so refused, when a segment is not decodable, decodes to a {@code /}, or carries matrix parameters
     * ({@code ;}), which the services' matching would drop.
     */
    static Optional<String[]> decodedSegments(String rawPath) {
        String[] raw = rawPath.split("/", -1);
        String[] decoded = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i].indexOf(';') >= 0) {
                return Optional.empty();
            }
            try {
                decoded[i] = URLDecoder.decode(raw[i].replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return Optional.empty();
            }
            if (decoded[i].indexOf('/') >= 0 || decoded[i].indexOf(';') >= 0) {
                return Optional.empty();
            }
        }
        return Optional.of(decoded);
    }

    /** A publishable key: {@code POST /v1/auth/login} only. */
    public static Decision forPublishableKey(String method, String path) {
        return method.equals("POST") && path.equals("/v1/auth/login") ? Decision.ALLOW : Decision.FORBIDDEN;
    }

    /**
     * A customer token of customer {@code customerId}.
     *
     * @param query the request's query parameters (first values)
     */
    public static Decision forCustomer(String method, String path, Map<String, String> query, String customerId) {
        Optional<String[]> segments = decodedSegments(path);
        if (segments.isEmpty()) {
            return Decision.FORBIDDEN;
        }
        String[] s = segments.get();
        // s[0] is "" (the path starts with '/'), s[1] is "v1"
        if (s.length < 3 || !s[1].equals("v1") || Arrays.stream(s).skip(1).anyMatch(String::isEmpty)) {
            return Decision.FORBIDDEN;
        }
        String resource = s[2];
        int depth = s.length - 2; // segments after /v1
        switch (resource) {
            case "customers" -> {
                if (depth < 2) {
                    return Decision.FORBIDDEN; // the list, search and export are the site's
                }
                String id = s[3];
                if (id.equals("search") || id.equals("export")) {
                    return Decision.FORBIDDEN;
                }
                boolean allowed = depth == 2 && (method.equals("GET") || method.equals("PATCH"))
                        || depth == 3 && method.equals("GET") && (s[4].equals("addresses") || s[4].equals("entitlements"));
                if (!allowed) {
                    return Decision.FORBIDDEN;
                }
                return id.equals(customerId) ? Decision.ALLOW : Decision.NOT_FOUND;
            }
            case "addresses" -> {
                return depth == 2 && method.equals("GET") && Ids.looksLike(ADDRESS_PREFIX, s[3]) ? Decision.ALLOW
                        : Decision.FORBIDDEN;
            }
            case "subscriptions" -> {
                if (depth == 1) {
                    // a customer lists only its own subscriptions, and says so
                    return method.equals("GET") && customerId.equals(query.get("customer")) ? Decision.ALLOW
                            : Decision.FORBIDDEN;
                }
                if (!Ids.looksLike(SUBSCRIPTION_PREFIX, s[3])) {
                    return Decision.FORBIDDEN; // search, export, stats and anything else that is not one subscription
                }
                if (depth == 2) {
                    return method.equals("GET") ? Decision.ALLOW : Decision.FORBIDDEN;
                }
                if (depth == 3) {
                    String action = s[4];
                    boolean allowed = method.equals("POST") && (action.equals("pause") || action.equals("resume"))
                            || method.equals("GET") && action.equals("pauses");
                    return allowed ? Decision.ALLOW : Decision.FORBIDDEN;
                }
                return Decision.FORBIDDEN;
            }
            case "auth" -> {
                return depth == 2 && method.equals("POST") && s[3].equals("logout") ? Decision.ALLOW
                        : Decision.FORBIDDEN;
            }
            default -> {
                return Decision.FORBIDDEN;
            }
        }
    }
}
