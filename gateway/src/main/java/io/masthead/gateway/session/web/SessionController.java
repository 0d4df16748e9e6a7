package io.masthead.gateway.session.web;

import io.masthead.gateway.session.application.SessionService;
import io.masthead.platform.security.Caller;
import io.masthead.platform.security.CallerContext;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

@RestController
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE) // not in the site command
@Tag(name = "Customer sessions")
class SessionController {

    @Schema(description = "Optional and empty for now: the session lasts the configured lifetime (1 h by default)")
    record CreateSession() {
    }

    private final SessionService sessions;

    SessionController(SessionService sessions) {
        this.sessions = sessions;
    }

    @DeleteMapping("/v1/customers/{id}/sessions")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "revokeCustomerSessions", summary = "Revoke all of a customer's sessions",
            description = "Secret key only: every token of the customer (logins and support sessions) stops working "
                    + "at once (through another gateway instance within the authentication cache window, 30 s by "
                    + "default). A customer without sessions: 204 as well; a customer the site does not have: 404. "
                    + "Setting or resetting the customer's "
                    + "password through the gateway does the same.")
    @ApiResponse(responseCode = "204", description = "The customer's sessions are revoked")
    @ApiResponse(responseCode = "503", description = "The customer cannot be checked right now")
    Mono<Void> revokeAll(@PathVariable("id") String id, ServerWebExchange exchange) {
        return CallerContext.of(exchange)
                .switchIfEmpty(Mono.error(() -> new AuthenticationCredentialsNotFoundException("no caller")))
                .flatMap((Caller caller) -> sessions.revokeAllOf(caller, Presented.key(exchange).orElse(null), id));
    }

    @PostMapping("/v1/customers/{id}/sessions")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "createCustomerSession", summary = "Create a session of a customer (support tools)",
            description = "Secret key only: a token acting as the customer, as if it had logged in, without its "
                    + "password.")
    @ApiResponse(responseCode = "201", description = "The session, with its token")
    @ApiResponse(responseCode = "503", description = "The customer cannot be checked right now")
    Mono<SessionResponse> create(@PathVariable("id") String id,
            @RequestBody(required = false) CreateSession body, ServerWebExchange exchange) {
        return CallerContext.of(exchange)
                .switchIfEmpty(Mono.error(() -> new AuthenticationCredentialsNotFoundException("no caller")))
                .flatMap((Caller caller) -> sessions.createForCustomer(caller, Presented.key(exchange).orElse(null), id))
                .map(SessionResponse::of);
    }
}
