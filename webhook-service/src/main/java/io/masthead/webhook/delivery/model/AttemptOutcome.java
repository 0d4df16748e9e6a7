package io.masthead.webhook.delivery.model;

import java.time.Duration;

/**
 * What one HTTP attempt came to: a response (any status, redirects included: they are never followed) or
 * a failure before one. {@code retryAfter} is the response's {@code Retry-After}, when it had a valid one.
 */
public record AttemptOutcome(Kind kind, Integer statusCode, String error, Duration retryAfter, long durationMillis,
        String responseBody) {

    public enum Kind {
        /** A response arrived, of any status. */
        RESPONSE,
        /** No response within the response timeout (or no connection within the connect timeout). */
        TIMEOUT,
        /** The connection failed: refused, reset, TLS, DNS. */
        CONNECTION_ERROR,
        /** The URL resolved to an address endpoints may not use (SSRF guard). */
        ADDRESS_REFUSED
    }

    public static AttemptOutcome response(int statusCode, Duration retryAfter, long durationMillis, String body) {
        return new AttemptOutcome(Kind.RESPONSE, statusCode, statusCode / 100 == 2 ? null : describe(statusCode),
                retryAfter, durationMillis, body);
    }

    public static AttemptOutcome failure(Kind kind, String error, long durationMillis) {
        if (kind == Kind.RESPONSE) {
            throw new IllegalArgumentException("a response is not a failure kind");
        }
        return new AttemptOutcome(kind, null, error, null, durationMillis, null);
    }

    /** A 2xx response: the only success. */
    public boolean succeeded() {
        return kind == Kind.RESPONSE && statusCode / 100 == 2;
    }

    /** 410 Gone: the receiver says the endpoint no longer exists. */
    public boolean gone() {
        return kind == Kind.RESPONSE && statusCode == 410;
    }

    /** 429 Too Many Requests, or no answer in time: the receiver is overwhelmed, so back off longer. */
    public boolean throttled() {
        return kind == Kind.TIMEOUT || (kind == Kind.RESPONSE && statusCode == 429);
    }

    private static String describe(int statusCode) {
        if (statusCode / 100 == 3) {
            return "HTTP " + statusCode + " (redirects are not followed)";
        }
        return "HTTP " + statusCode;
    }
}
