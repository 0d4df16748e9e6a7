package io.masthead.subscription.subscription.application;

import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.validation.Violation;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.subscription.model.Outcome;
import io.masthead.subscription.subscription.model.Rejection;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/** Rejections of the domain as problems: bad input 422 naming the field, a state that forbids the change 409. */
public final class Rejections {

    /** Database constraints behind rules the code also checks: a race that slips past still gets a problem. */
    private static final Map<String, String[]> CONSTRAINTS = Map.of(
            "subscriptions_one_admin_per_membership", new String[] {"membership",
                "already has an admin: a membership group has a single admin"},
            "subscriptions_replaced_once", new String[] {"subscription", "has already been replaced by a change of plan"},
            "subscription_periods_pkey", new String[] {"subscription", "this period has already begun"});

    private Rejections() {
    }

    public static RuntimeException problem(Rejection r) {
        if (r.kind() == Rejection.Kind.INVALID) {
            return ValidationException.of(r.field() == null ? "subscription" : r.field(), r.message());
        }
        return new ProblemException(HttpStatus.CONFLICT, r.rule().replace('_', '-'), "Conflict", r.message(),
                List.of(new Violation(r.field() == null ? "subscription" : r.field(), r.message())));
    }

    public static <T> Mono<T> orError(Outcome<T> outcome) {
        return outcome.isDone() ? Mono.just(outcome.value()) : Mono.error(problem(outcome.rejection()));
    }

    public static Throwable translate(Throwable error) {
        if (error instanceof DataIntegrityViolationException && error.getMessage() != null) {
            for (var entry : CONSTRAINTS.entrySet()) {
                if (error.getMessage().contains(entry.getKey())) {
                    return ProblemException.conflict(entry.getValue()[0], entry.getValue()[1]);
                }
            }
        }
        return error;
    }
}
