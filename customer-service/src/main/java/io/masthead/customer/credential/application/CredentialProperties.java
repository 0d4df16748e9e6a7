package io.masthead.customer.credential.application;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param bcryptCost log2 of bcrypt's rounds for new hashes (12: about a quarter of a second on one core); a
 *     stored hash of a lower cost is rehashed at its next successful login
 */
@Validated
@ConfigurationProperties("masthead.credentials")
public record CredentialProperties(@Min(4) @Max(31) @DefaultValue("12") int bcryptCost) {
}
