package io.masthead.platform.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * @param publicKeyLocation the PEM public key of the gateway's internal-token signing key
 */
@ConfigurationProperties("masthead.security.jwt")
public record SecurityProperties(Resource publicKeyLocation) {
}
