package io.masthead.gateway.auth.application;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param cacheTtl how long a successful key lookup is reused without asking the database; also the
 *     longest a key revoked through another gateway instance keeps working
 * @param cacheSize at most this many authenticated keys are cached
 */
@Validated
@ConfigurationProperties("masthead.gateway.auth")
public record AuthProperties(@NotNull @DefaultValue("30s") Duration cacheTtl,
        @DefaultValue("100000") long cacheSize) {
}
