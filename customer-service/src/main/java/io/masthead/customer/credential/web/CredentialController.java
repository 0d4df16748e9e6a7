package io.masthead.customer.credential.web;

import io.masthead.customer.credential.application.CredentialService;
import io.masthead.customer.customer.model.Customer;
import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.web.ProblemException;
import io.masthead.platform.openapi.ApiContract;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.extensions.Extension;
import io.swagger.v3.oas.annotations.extensions.ExtensionProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Credentials", description = "Customers' passwords, with which they log in (POST /v1/auth/login with a "
        + "publishable key)")
class CredentialController {

    @Schema(description = "The customer's new password")
    record SetPassword(
            @Schema(description = "8 to 128 characters, not only blanks, not the customer's email address",
                    format = "password", writeOnly = true, minLength = 8, maxLength = 128,
                    example = "correct horse battery staple") String password) {
    }

    private final CredentialService service;

    CredentialController(CredentialService service) {
        this.service = service;
    }

    @PostMapping("/v1/customers/{id}/password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "setCustomerPassword", summary = "Set or reset a customer's password",
            description = "Secret key only. Stored with bcrypt; never returned, logged or put in an event. Setting the "
                    + "same password again changes nothing visible, so `Idempotency-Key` is not needed, and it is "
                    + "ignored here: its stored request fingerprint would be a fast hash of the password.",
            extensions = @Extension(properties = @ExtensionProperty(name = ApiContract.IGNORED_KEY_EXTENSION,
                    value = "ignored")))
    @ApiResponse(responseCode = "204", description = "The password is set; the customer's former password no longer works")
    Mono<Void> setPassword(Caller caller, @PathVariable String id, @RequestBody SetPassword body) {
        if (!Ids.looksLike(Customer.ID_PREFIX, id)) {
            return Mono.error(ProblemException.notFound("customer", id));
        }
        return service.setPassword(caller, id, body.password());
    }
}
