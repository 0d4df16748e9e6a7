package io.masthead.platform.web;

import io.masthead.platform.validation.Violation;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;

/** A failure with a known HTTP meaning, rendered as an RFC 9457 problem. */
public class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final transient List<Violation> errors;
    private final Duration retryAfter;

    public ProblemException(HttpStatus status, String type, String title, String detail, List<Violation> errors) {
        this(status, type, title, detail, errors, null);
    }

    /** @param retryAfter sent as {@code Retry-After} (whole seconds, at least 1), or null for none */
    public ProblemException(HttpStatus status, String type, String title, String detail, List<Violation> errors,
            Duration retryAfter) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.retryAfter = retryAfter;
    }

    public static ProblemException notFound(String resource, String id) {
        return new ProblemException(HttpStatus.NOT_FOUND, "not-found", "Not found",
                "No " + resource + " with id '" + id + "'", List.of());
    }

    /** A conflict with existing data caused by one field, e.g. a value that must be unique. */
    public static ProblemException conflict(String field, String message) {
        return new ProblemException(HttpStatus.CONFLICT, "conflict", "Conflict", "'" + field + "' " + message,
                List.of(new Violation(field, message)));
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail, List.of());
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public List<Violation> errors() {
        return errors;
    }

    /** When the client may try again ({@code Retry-After}), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
