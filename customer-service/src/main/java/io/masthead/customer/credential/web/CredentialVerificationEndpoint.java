package io.masthead.customer.credential.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.masthead.customer.credential.application.CredentialService;
import io.masthead.platform.security.Caller;
import io.masthead.platform.openapi.ApiContract;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.extensions.Extension;
import io.swagger.v3.oas.annotations.extensions.ExtensionProperty;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The gateway's login check: {@code POST /internal/credentials/verify} with {@code {"email", "password"}} answers
 * {@code {"verified": true, "customer": "cus_..."}} or {@code {"verified": false}}. On the public port beside
 * {@code /v1} but never routed by the gateway, and only for a site admin's internal token (the gateway's own for
 * the site of the publishable key). Not in the OpenAPI document: it is no public API.
 */
@Hidden
@RestController
class CredentialVerificationEndpoint {

    record Verification(String email, String password) {
        @Override
        public String toString() {
            return "Verification[email=…, password=…]";
        }
    }

    record Verified(boolean verified, @JsonInclude(JsonInclude.Include.NON_NULL) String customer) {
    }

    private final CredentialService service;

    CredentialVerificationEndpoint(CredentialService service) {
        this.service = service;
    }

    @PostMapping("/internal/credentials/verify")
    // no Idempotency-Key: its stored fingerprint would be a fast hash of the password
    @Operation(extensions = @Extension(properties = @ExtensionProperty(name = ApiContract.IGNORED_KEY_EXTENSION,
            value = "ignored")))
    Mono<Verified> verify(Caller caller, @RequestBody Verification body) {
        return service.verify(caller, body.email(), body.password())
                .map(customer -> new Verified(customer.isPresent(), customer.orElse(null)));
    }
}
