package io.masthead.platform.idempotency;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler whose successful response carries a secret shown once (a webhook signing secret, an API key):
 * the {@link IdempotencyFilter} stores it only encrypted with the service's at-rest key, or, in a service without
 * one, not at all (the replay then answers {@code 409 idempotency-response-withheld}). A handler that decides per
 * request sets the exchange attribute {@link IdempotencyFilter#SENSITIVE_ATTRIBUTE} to {@code true} instead.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SensitiveResponse {
}
