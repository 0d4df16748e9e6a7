package io.masthead.gateway.session.web;

import io.masthead.gateway.apikey.model.AuthenticatedKey;
import io.masthead.gateway.session.application.SessionService;
import io.masthead.gateway.session.model.ClientAddress;
import io.masthead.platform.openapi.ApiContract;
import io.masthead.platform.web.ProblemException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.InetSocketAddress;
import org.springframework.http.HttpHeaders;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

@RestController
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE) // not in the site command
@Tag(name = "Customer sessions", description = "End customers acting for themselves: login with the site's "
        + "publishable key, logout, and sessions created for support tools")
class AuthController {

    @Schema(description = "A customer's email and password")
    record Login(
            @Schema(example = "lois@dailyplanet.example") String email,
            @Schema(format = "password", writeOnly = true, example = "correct horse battery staple") String password) {
        @Override
        public String toString() {
            return "Login[email=…]";
        }
    }

    private final SessionService sessions;

    AuthController(SessionService sessions) {
        this.sessions = sessions;
    }

    @PostMapping("/v1/auth/login")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "logInCustomer", summary = "Log a customer in",
            description = "With the site's publishable key (safe in a web page). The token acts as the customer (its "
                    + "own customer, addresses, subscriptions and entitlements) until `expires_at` (1 h by default) or "
                    + "logout. Failed logins are limited per email and per client address (429 with `Retry-After`).",
            security = @SecurityRequirement(name = ApiContract.PUBLISHABLE_KEY_SCHEME))
    @ApiResponse(responseCode = "201", description = "The session, with its token")
    @ApiResponse(responseCode = "400", description = "The client's address is unknown (a peer without an address "
            + "is refused, not pooled into one shared rate limit)")
    @ApiResponse(responseCode = "401", description = "The email or password is wrong (or the key is not valid)")
    @ApiResponse(responseCode = "429", description = "Too many failed logins for this email or from this address: "
            + "`Retry-After` says when to try again")
    @ApiResponse(responseCode = "503", description = "The password cannot be checked right now")
    Mono<SessionResponse> login(@RequestBody Login body, ServerWebExchange exchange) {
        return Mono.justOrEmpty(Presented.key(exchange).filter(AuthenticatedKey::publishable))
                .switchIfEmpty(Mono.error(() -> ProblemException.forbidden("Customers log in with the site's publishable "
                        + "key; a secret key creates a session with POST /v1/customers/{id}/sessions")))
                .flatMap(key -> sessions.login(key, body.email(), body.password(), clientAddress(exchange)))
                .onErrorResume(SessionService.TooManyAttempts.class, e -> {
                    exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER,
                            Long.toString(e.retryAfter().toSeconds()));
                    return Mono.error(e);
                })
                .map(SessionResponse::of);
    }

    @PostMapping("/v1/auth/logout")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(operationId = "logOutCustomer", summary = "Log out: revoke the presented customer token",
            description = "The token stops working at once (through another gateway instance within the "
                    + "authentication cache window, 30 s by default).",
            security = @SecurityRequirement(name = ApiContract.CUSTOMER_TOKEN_SCHEME))
    @ApiResponse(responseCode = "204", description = "The token is revoked")
    Mono<Void> logout(ServerWebExchange exchange) {
        return Mono.justOrEmpty(Presented.session(exchange))
                .switchIfEmpty(Mono.error(() -> ProblemException.forbidden("Log out with the customer token to revoke")))
                .flatMap(sessions::logout)
                .then();
    }

    /**
     * The rate-limit subject of the client's address ({@link ClientAddress}: IPv6 by /64): the connection's peer
     * (behind a proxy, set {@code server.forward-headers-strategy}); null when the peer has no address.
     */
    private static String clientAddress(ServerWebExchange exchange) {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return ClientAddress.bucketOf(remote == null ? null : remote.getAddress()).orElse(null);
    }
}
