package io.masthead.gateway.apikey.web;

/** The (optional) body of a key creation: nothing to choose yet, and unknown fields are rejected. */
@io.swagger.v3.oas.annotations.media.Schema(description = "Optional and empty for now: the key is a secret key "
        + "of the caller's site, in its mode (test or live)")
record CreateApiKeyRequest() {
}
