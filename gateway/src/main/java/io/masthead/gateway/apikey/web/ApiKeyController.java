package io.masthead.gateway.apikey.web;

import io.masthead.gateway.apikey.application.ApiKeyService;
import io.masthead.gateway.apikey.model.ApiKey;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.security.Caller;
import io.masthead.platform.security.CallerContext;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/v1/api_keys")
@Tag(name = "API keys", description = "The secret and publishable keys of the caller's site")
class ApiKeyController {

    private final ApiKeyService apiKeys;

    ApiKeyController(ApiKeyService apiKeys) {
        this.apiKeys = apiKeys;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "createApiKey", summary = "Create a secret or publishable key",
            description = "The response is the only time the key is shown. A publishable key (`pk_test_...`, "
                    + "`pk_live_...`) can be put in a web page: it only logs customers in (`POST /v1/auth/login`).")
    @ApiResponse(responseCode = "201", description = "The key, with its text in `secret`")
    Mono<ApiKeyResponse> create(@RequestBody(required = false) CreateApiKeyRequest body, ServerWebExchange exchange) {
        String type = body == null || body.type() == null ? ApiKey.KIND_SECRET : body.type();
        if (!type.equals(ApiKey.KIND_SECRET) && !type.equals(ApiKey.KIND_PUBLISHABLE)) {
            return Mono.error(ValidationException.of("type", "must be secret or publishable"));
        }
        return caller(exchange).flatMap(caller -> apiKeys.create(caller, type)).map(ApiKeyResponse::of);
    }

    @GetMapping
    @Operation(operationId = "listApiKeys", summary = "List the site's keys",
            description = "Newest first; secrets are never shown.")
    @ApiResponse(responseCode = "200", description = "A page of keys")
    Mono<ListResponse<ApiKeyResponse>> list(@RequestParam(name = "limit", required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter,
            ServerWebExchange exchange) {
        PageRequest page = PageRequest.of(limit, startingAfter);
        return caller(exchange).flatMap(caller -> apiKeys.list(caller, page)).map(list -> list.map(ApiKeyResponse::of));
    }

    @PostMapping("/{id}/revoke")
    @ApiResponse(responseCode = "200", description = "The key, revoked")
    @Operation(operationId = "revokeApiKey", summary = "Revoke a key", description = "It stops working within the authentication cache window "
            + "(30 s by default), and so do the customer sessions created with it (logins with a publishable key, "
            + "support sessions with a secret key). Revoking a revoked key changes nothing.")
    Mono<ApiKeyResponse> revoke(@PathVariable("id") String id, ServerWebExchange exchange) {
        return caller(exchange).flatMap(caller -> apiKeys.revoke(caller, id)).map(ApiKeyResponse::of);
    }

    private static Mono<Caller> caller(ServerWebExchange exchange) {
        return CallerContext.of(exchange)
                .switchIfEmpty(Mono.error(() -> new AuthenticationCredentialsNotFoundException("no caller")));
    }
}
