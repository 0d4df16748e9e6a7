package io.masthead.gateway.apikey.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.masthead.gateway.apikey.model.ApiKey;
import io.masthead.gateway.apikey.model.IssuedKey;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** An API key as the API shows it. {@code secret} appears once, in the response that creates the key. */
@Schema(name = "ApiKey")
record ApiKeyResponse(
        @Schema(example = "key_01jt3z8x9k2m4n6p8q0r2s4t6v") String id,
        @Schema(example = "site_01jt3z8x9k2m4n6p8q0r2s4t6v") String siteId,
        @Schema(allowableValues = {"secret", "publishable"}) String kind,
        boolean livemode,
        @Schema(description = "The start of the key, to recognise it", example = "sk_test_4eC3") String prefix,
        Instant createdAt,
        Instant lastUsedAt,
        Instant revokedAt,
        @Schema(description = "The key itself (secret or publishable): only in the response that creates it. Store a "
                + "secret key safely.")
        @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

    static ApiKeyResponse of(ApiKey key) {
        return new ApiKeyResponse(key.id(), key.siteId(), key.kind(), key.livemode(), key.prefix(), key.createdAt(),
                key.lastUsedAt(), key.revokedAt(), null);
    }

    static ApiKeyResponse of(IssuedKey issued) {
        ApiKey key = issued.key();
        return new ApiKeyResponse(key.id(), key.siteId(), key.kind(), key.livemode(), key.prefix(), key.createdAt(),
                key.lastUsedAt(), key.revokedAt(), issued.reveal());
    }
}
