package io.masthead.gateway.session.application;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param ttl how long a customer session lasts, in the site's time (1 minute to 1 day)
 * @param credentialsService the entry of {@code masthead.gateway.services} that verifies passwords
 * @param maxFailuresPerCustomer failed logins of one email within {@code failureWindow} before further attempts are
 *     refused (429)
 * @param maxFailuresPerIp failed logins from one client address within {@code failureWindow}, whatever the email
 * @param failureWindow the sliding window of both limits (1 minute to 1 hour)
 */
@Validated
@ConfigurationProperties("masthead.gateway.sessions")
public record SessionProperties(
        @NotNull @DefaultValue("1h") Duration ttl,
        @NotBlank @DefaultValue("customer-service") String credentialsService,
        @Min(1) @Max(1000) @DefaultValue("5") int maxFailuresPerCustomer,
        @Min(1) @Max(10000) @DefaultValue("20") int maxFailuresPerIp,
        @NotNull @DefaultValue("15m") Duration failureWindow) {

    public SessionProperties {
        if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("masthead.gateway.sessions.ttl must be 1m to 1d: " + ttl);
        }
        if (failureWindow.compareTo(Duration.ofMinutes(1)) < 0 || failureWindow.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("masthead.gateway.sessions.failure-window must be 1m to 1h: "
                    + failureWindow);
        }
    }
}
