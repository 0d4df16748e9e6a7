package io.masthead.gateway.apikey.web;

/** The (optional) body of a key creation: nothing to choose yet, and unknown fields are rejected. */
record CreateApiKeyRequest() {
}
