package io.masthead.gateway.apikey.web;

import io.swagger.v3.oas.annotations.media.Schema;

/** The (optional) body of a key creation; unknown fields are rejected. */
@Schema(description = "Optional: without a body (or a type) the key is a secret key of the caller's site, in its "
        + "mode (test or live)")
record CreateApiKeyRequest(
        @Schema(description = "secret (the site's admin) or publishable (safe in a web page: customer login only)",
                allowableValues = {"secret", "publishable"}, defaultValue = "secret", example = "publishable")
        String type) {
}
