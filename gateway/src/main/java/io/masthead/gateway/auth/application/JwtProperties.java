package io.masthead.gateway.auth.application;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param privateKeyLocation the PKCS#8 PEM RSA private key the internal tokens are signed with: a path
 *     or a {@code file:} URL. Services verify with its public key ({@code masthead.security.jwt.public-key-location}).
 * @param ttl how long a minted internal token is valid
 */
@Validated
@ConfigurationProperties("masthead.gateway.jwt")
public record JwtProperties(@NotBlank String privateKeyLocation, @NotNull @DefaultValue("5m") Duration ttl) {
}
