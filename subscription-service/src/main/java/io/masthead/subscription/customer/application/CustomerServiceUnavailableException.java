package io.masthead.subscription.customer.application;

import io.masthead.platform.validation.Violation;
import io.masthead.platform.web.ProblemException;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * customer-service could not say whether a customer or address exists (unreachable, too slow, or failing): the
 * request cannot be checked now, and nothing was written. A 503 problem naming the field, with {@code Retry-After}.
 */
public class CustomerServiceUnavailableException extends ProblemException {

    private final transient Duration retryAfter;

    public CustomerServiceUnavailableException(String field, String resource, String id, Duration retryAfter,
            Throwable cause) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
                "The " + resource + " '" + id + "' is not known here yet, and customer-service, which knows it, "
                        + "cannot be reached: retry in a moment",
                List.of(new Violation(field, "cannot be checked now: customer-service is unavailable")));
        this.retryAfter = retryAfter;
        if (cause != null) {
            initCause(cause);
        }
    }

    /** How long the client should wait before retrying. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
