package io.masthead.test.spring;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * What a service's web slice test ({@code @WebFluxTest} of one controller) needs to answer as the service does:
 * the internal token's public key, and the platform's JSON rules (snake_case, unknown fields refused). Call it from
 * the test's {@code @DynamicPropertySource} method.
 */
public final class WebSlices {

    private WebSlices() {
    }

    public static void serviceProperties(DynamicPropertyRegistry registry) {
        registry.add("masthead.security.jwt.public-key-location", TestTokens::publicKeyLocation);
        registry.add("spring.jackson.property-naming-strategy", () -> "SNAKE_CASE");
        registry.add("spring.jackson.deserialization.fail-on-unknown-properties", () -> "true");
    }
}
