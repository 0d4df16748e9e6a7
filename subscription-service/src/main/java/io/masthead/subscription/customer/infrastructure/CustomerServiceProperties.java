package io.masthead.subscription.customer.infrastructure;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where customer-service's HTTP API is ({@code masthead.services.customer-service.*}): asked for a customer or an
 * address that the customer view does not have yet (its event is still on the way).
 *
 * @param uri             the base URL of customer-service's public port (its {@code /v1/**})
 * @param connectTimeout  how long a connection may take
 * @param responseTimeout how long an answer may take once connected
 * @param retryAfter      the {@code Retry-After} of the 503 answered when customer-service cannot answer
 */
@ConfigurationProperties("masthead.services.customer-service")
public record CustomerServiceProperties(
        @DefaultValue("http://localhost:8081") URI uri,
        @DefaultValue("1s") Duration connectTimeout,
        @DefaultValue("3s") Duration responseTimeout,
        @DefaultValue("2s") Duration retryAfter) {

    public CustomerServiceProperties {
        if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("masthead.services.customer-service.uri must be an absolute http(s) URL, "
                    + "was " + uri);
        }
    }
}
