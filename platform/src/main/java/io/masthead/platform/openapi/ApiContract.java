package io.masthead.platform.openapi;

import io.masthead.platform.idempotency.IdempotencyFilter;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.Problems;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springframework.http.HttpStatus;

/**
 * What every operation of every Masthead API declares, added to each service's OpenAPI document so that the
 * services only state what is theirs (success status, summary, operationId, examples, service-specific
 * conflicts):
 * <ul>
 * <li>the security schemes, all {@code Authorization: Bearer}: the secret API key on every operation that names
 * none itself, the publishable key and the customer token where an operation lists them
 * ({@code @Operation(security = ...)});</li>
 * <li>the RFC 9457 {@code Problem} schema (with its {@code errors} array) and the problem responses each kind of
 * operation can really get: 401, 403 always; 400 with a body or parameters; 404 with a path id; 413 and 422 with a
 * body; 422 with query parameters (pagination); 409 and 422 for an {@code Idempotency-Key} on POST;</li>
 * <li>the {@code Idempotency-Key} header on every POST, where the service honours it, and the
 * {@code Idempotent-Replayed} header of a replayed success;</li>
 * <li>the pagination parameters {@code limit} and {@code starting_after} as {@link PageRequest} reads them.</li>
 * </ul>
 * A 4xx the operation declares itself (e.g. {@code @ApiResponse(responseCode = "409", description = "...")}) gets
 * the problem content in place of what springdoc inferred from the method's return type, keeping its description.
 */
public class ApiContract implements GlobalOpenApiCustomizer {

    /** A site's secret API key: the site's admin. The default of every operation that names no other. */
    public static final String SECURITY_SCHEME = "secretKey";
    /** A site's publishable key, safe in a web page: it only logs customers in. */
    public static final String PUBLISHABLE_KEY_SCHEME = "publishableKey";
    /** A customer session token: one end customer, on the operations that say so. */
    public static final String CUSTOMER_TOKEN_SCHEME = "customerToken";
    public static final String PROBLEM = "Problem";
    public static final String PROBLEM_ERROR = "ProblemFieldError";
    public static final String IDEMPOTENCY_KEY = "IdempotencyKey";
    /** The extension by which an operation says it ignores {@code Idempotency-Key} (value {@code ignored}). */
    public static final String IGNORED_KEY_EXTENSION = "x-idempotency-key";
    private static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;

    private static final String IN_PROGRESS = "A request with this " + IdempotencyFilter.HEADER
            + " is still being processed; retry later";
    private static final String REUSED = "This " + IdempotencyFilter.HEADER
            + " was already used with a different request body or path";
    private static final String EXAMPLE_ID = "obj_01jt3z8x9k2m4n6p8q0r2s4t6v";

    private final boolean idempotency;

    /** @param idempotency whether this service honours {@code Idempotency-Key} on POST */
    public ApiContract(boolean idempotency) {
        this.idempotency = idempotency;
    }

    @Override
    public void customise(OpenAPI api) {
        Components components = api.getComponents() == null ? new Components() : api.getComponents();
        api.setComponents(components);
        components.addSecuritySchemes(SECURITY_SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                .scheme("bearer")
                .description("The site's secret API key (`sk_test_...` or `sk_live_...`), sent as "
                        + "`Authorization: Bearer <key>`: the site's admin. Requests without a valid one get 401."));
        components.addSchemas(PROBLEM_ERROR, problemErrorSchema());
        components.addSchemas(PROBLEM, problemSchema());
        boolean[] idempotencyUsed = {false};
        if (api.getPaths() != null) {
            api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                if (apply(path, method, operation)) {
                    idempotencyUsed[0] = true;
                }
            }));
        }
        if (idempotencyUsed[0]) {
            components.addParameters(IDEMPOTENCY_KEY, idempotencyKeyParameter());
        }
        // the other schemes only where an operation names them (an unused component is a lint warning)
        if (usesScheme(api, PUBLISHABLE_KEY_SCHEME)) {
            components.addSecuritySchemes(PUBLISHABLE_KEY_SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                    .scheme("bearer")
                    .description("A publishable key of the site (`pk_test_...` or `pk_live_...`), safe in a web page, "
                            + "sent as `Authorization: Bearer <key>`. It only logs customers in (`POST /v1/auth/login`); "
                            + "every other operation answers 403 to it."));
        }
        if (usesScheme(api, CUSTOMER_TOKEN_SCHEME)) {
            components.addSecuritySchemes(CUSTOMER_TOKEN_SCHEME, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                    .scheme("bearer")
                    .description("A customer session token (`cst_test_...` or `cst_live_...`, from `POST /v1/auth/login` "
                            + "or `POST /v1/customers/{id}/sessions`), sent as `Authorization: Bearer <token>`: one end "
                            + "customer, on its own objects only (another customer's are 404). Expired or revoked: 401; "
                            + "an operation that does not list it: 403."));
        }
        sortComponents(components);
    }

    /**
     * Whether the operation drops {@code Idempotency-Key} (declared with
     * {@code @Extension(properties = @ExtensionProperty(name = "x-idempotency-key", value = "ignored"))}, e.g. where
     * the body is a password whose fingerprint must not be stored); the marker is removed from the document.
     */
    static boolean ignoresIdempotencyKey(Operation operation) {
        if (operation.getExtensions() == null || !"ignored".equals(operation.getExtensions().get(IGNORED_KEY_EXTENSION))) {
            return false;
        }
        operation.getExtensions().remove(IGNORED_KEY_EXTENSION);
        if (operation.getExtensions().isEmpty()) {
            operation.setExtensions(null);
        }
        return true;
    }

    private static boolean usesScheme(OpenAPI api, String scheme) {
        return api.getPaths() != null && api.getPaths().values().stream()
                .flatMap(item -> item.readOperations().stream())
                .anyMatch(operation -> operation.getSecurity() != null
                        && operation.getSecurity().stream().anyMatch(requirement -> requirement.containsKey(scheme)));
    }

    /** Adds the contract to one operation; answers whether it accepts {@code Idempotency-Key}. */
    boolean apply(String path, PathItem.HttpMethod method, Operation operation) {
        if (operation.getSecurity() == null) {
            operation.setSecurity(List.of(new SecurityRequirement().addList(SECURITY_SCHEME)));
        }
        describePagination(operation);
        boolean post = method == PathItem.HttpMethod.POST;
        boolean keyed = post && idempotency && !ignoresIdempotencyKey(operation);
        boolean body = operation.getRequestBody() != null;
        boolean queried = operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(p -> "query".equals(p.getIn()));
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);

        Map<Integer, List<Cause>> causes = new TreeMap<>();
        if (body || keyed || (operation.getParameters() != null && !operation.getParameters().isEmpty())) {
            add(causes, 400, new Cause("malformed", "The request could not be read: "
                    + (body ? "malformed JSON, a field of the wrong type, an unknown field" : "a malformed parameter")
                    + (keyed ? ", or an " + IdempotencyFilter.HEADER + " that is blank or longer than 255 characters" : ""),
                    problem(400, "invalid-request", "Invalid request", body ? "Unknown field 'nickname'"
                            : "The request could not be read", path, body ? List.of(error("nickname",
                            "is not a known field")) : List.of())));
        }
        add(causes, 401, new Cause("unauthorized", "No valid API key or token in `Authorization: Bearer`",
                problem(401, "unauthorized", "Unauthorized", "Missing or invalid credentials", path, List.of())));
        add(causes, 403, new Cause("forbidden", "The caller may not do this (e.g. a customer token on an "
                + "admin-only operation)", problem(403, "forbidden", "Forbidden", "Not allowed for this caller",
                path, List.of())));
        if (path.contains("{")) {
            add(causes, 404, new Cause("not_found", "No such object in the caller's site",
                    problem(404, "not-found", "Not found", "No object with id '" + EXAMPLE_ID + "'", path,
                            List.of())));
        }
        if (keyed) {
            add(causes, 409, new Cause("idempotency_key_in_progress", "A request with the same "
                    + IdempotencyFilter.HEADER + " is still being processed: retry later",
                    problem(409, "idempotency-key-in-progress", "Request in progress", IN_PROGRESS, path,
                            List.of(error(IdempotencyFilter.HEADER, IN_PROGRESS)))));
        }
        if (body || keyed) { // the idempotency filter reads the body of every keyed POST
            add(causes, 413, new Cause("body_too_large", "The request body is larger than the service accepts "
                    + "(1 MiB by default)", problem(413, "request-too-large", "Request body too large",
                    "The request body is larger than the limit of 1048576 bytes", path,
                    List.of(error("body", "must be at most 1048576 bytes")))));
        }
        if (method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD
                && method != PathItem.HttpMethod.OPTIONS) {
            add(causes, 406, new Cause("not_acceptable", "The `Accept` header admits no `application/json`: "
                    + "refused before anything changes", problem(406, "not-acceptable", "Not Acceptable",
                    "This operation answers application/json; the Accept header admits none of it", path,
                    List.of(error("Accept", "must admit application/json")))));
        }
        if (body || queried) {
            add(causes, 422, new Cause("invalid_request", "One or more fields or parameters are invalid: each is "
                    + "named in `errors`", problem(422, "invalid-request", "Invalid request",
                    "One or more fields are invalid", path, List.of(body ? error("email", "must be a valid email address")
                            : error("limit", "must be between 1 and " + PageRequest.MAX_LIMIT)))));
        }
        if (keyed) {
            add(causes, 422, new Cause("idempotency_key_reused", "This " + IdempotencyFilter.HEADER
                    + " was already used with another body or path", problem(422, "idempotency-key-reused",
                    "Idempotency key reused", REUSED, path, List.of(error(IdempotencyFilter.HEADER, REUSED)))));
        }
        responses.forEach((code, declared) -> {
            if (code.startsWith("4") && code.length() == 3) { // every 4xx is a problem, whatever springdoc inferred
                int status = Integer.parseInt(code);
                causes.computeIfAbsent(status, s -> new ArrayList<>()).addFirst(new Cause(slug(status).replace('-', '_'),
                        declared.getDescription(), problem(status, slug(status),
                                HttpStatus.valueOf(status).getReasonPhrase(), declared.getDescription(), path,
                                List.of())));
            }
        });
        causes.forEach((status, list) -> responses.addApiResponse(String.valueOf(status),
                problemResponse(responses.get(String.valueOf(status)), list)));
        if (keyed) {
            responses.get("409").addHeaderObject("Retry-After", new Header()
                    .description("Seconds after which a retry with the same " + IdempotencyFilter.HEADER
                            + " may find the first request completed")
                    .schema(new IntegerSchema().minimum(BigDecimal.ONE)));
        }

        if (keyed) {
            List<Parameter> parameters = operation.getParameters() == null ? new ArrayList<>()
                    : new ArrayList<>(operation.getParameters());
            if (parameters.stream().noneMatch(p -> IdempotencyFilter.HEADER.equalsIgnoreCase(p.getName()))) {
                parameters.add(new Parameter().$ref("#/components/parameters/" + IDEMPOTENCY_KEY));
            }
            operation.setParameters(parameters);
            responses.forEach((code, response) -> {
                if (code.startsWith("2")) {
                    response.addHeaderObject(IdempotencyFilter.REPLAYED_HEADER, new Header()
                            .description("`true` when this is the stored response of an earlier request with the "
                                    + "same " + IdempotencyFilter.HEADER + ", replayed")
                            .schema(new StringSchema()._enum(List.of("true"))));
                }
            });
        }
        sortResponses(operation);
        return keyed;
    }

    private record Cause(String name, String description, Map<String, Object> example) {
    }

    private static void add(Map<Integer, List<Cause>> causes, int status, Cause cause) {
        causes.computeIfAbsent(status, s -> new ArrayList<>()).add(cause);
    }

    private static ApiResponse problemResponse(ApiResponse declared, List<Cause> causes) {
        MediaType media = new MediaType().schema(new Schema<>().$ref(PROBLEM_REF));
        if (causes.size() == 1) {
            media.setExample(causes.getFirst().example());
        } else {
            causes.forEach(c -> media.addExamples(c.name(), new Example().summary(c.description()).value(c.example())));
        }
        List<String> descriptions = causes.stream().map(Cause::description).distinct().toList();
        StringBuilder description = new StringBuilder(descriptions.getFirst());
        descriptions.stream().skip(1).forEach(d -> description.append("; or ")
                .append(Character.toLowerCase(d.charAt(0))).append(d.substring(1)));
        ApiResponse response = declared == null ? new ApiResponse() : declared;
        return response.description(description.toString())
                .content(new Content().addMediaType(Problems.PROBLEM_JSON.toString(), media));
    }

    private static Map<String, Object> problem(int status, String slug, String title, String detail, String path,
            List<Map<String, String>> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", Problems.typeUri(slug));
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", path.replaceAll("\\{[^}]+}", EXAMPLE_ID));
        if (!errors.isEmpty()) {
            body.put("errors", errors);
        }
        return body;
    }

    private static Map<String, String> error(String field, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        return error;
    }


    /** The problem type slug and title Spring's status gives, as the platform's handler renders them. */
    private static String slug(int status) {
        return HttpStatus.valueOf(status).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private static void describePagination(Operation operation) {
        if (operation.getParameters() == null) {
            return;
        }
        for (Parameter parameter : operation.getParameters()) {
            if (!"query".equals(parameter.getIn())) {
                continue;
            }
            if ("limit".equals(parameter.getName())) {
                parameter.description("How many objects per page, 1 to " + PageRequest.MAX_LIMIT + " (default "
                        + PageRequest.DEFAULT_LIMIT + ")")
                        .schema(new IntegerSchema().minimum(BigDecimal.ONE)
                                .maximum(BigDecimal.valueOf(PageRequest.MAX_LIMIT))
                                ._default(PageRequest.DEFAULT_LIMIT))
                        .example(PageRequest.DEFAULT_LIMIT);
            } else if ("starting_after".equals(parameter.getName())) {
                parameter.description("The cursor: `next_cursor` of the previous page (the id of its last object)")
                        .schema(new StringSchema().minLength(1).maxLength(64));
            }
        }
    }

    private static Parameter idempotencyKeyParameter() {
        return new HeaderParameter().name(IdempotencyFilter.HEADER).required(false)
                .description("Makes a POST safe to retry: the first completed response is stored and replayed "
                        + "(with `" + IdempotencyFilter.REPLAYED_HEADER + ": true`) for 24 h to any request with "
                        + "the same key; the same key with another body or path is refused (422), and while the "
                        + "first request is still running a retry gets 409. Use a fresh random value (e.g. a UUID) "
                        + "per intended operation.")
                .schema(new StringSchema().minLength(1).maxLength(255))
                .example("3f2c9a4e-1b7d-4f7e-9a55-0c8e2d6b1a90");
    }

    private static Schema<?> problemErrorSchema() {
        return new ObjectSchema().description("One invalid input")
                .addProperty("field", new StringSchema()
                        .description("The field (dotted path for nested ones), parameter or header at fault")
                        .example("email"))
                .addProperty("message", new StringSchema().description("What is wrong with it")
                        .example("must be a valid email address"))
                .required(List.of("field", "message"));
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema().description("An RFC 9457 problem (`application/problem+json`): every error "
                        + "answer of the API, never a stack trace")
                .addProperty("type", new StringSchema().format("uri")
                        .description("Identifies the kind of problem: `urn:masthead:problem:<slug>`")
                        .example(Problems.typeUri("invalid-request")))
                .addProperty("title", new StringSchema().description("A short summary of the kind of problem")
                        .example("Invalid request"))
                .addProperty("status", new IntegerSchema().minimum(BigDecimal.valueOf(400))
                        .maximum(BigDecimal.valueOf(599)).description("The HTTP status code").example(422))
                .addProperty("detail", new StringSchema().description("What went wrong with this request")
                        .example("One or more fields are invalid"))
                .addProperty("instance", new StringSchema().format("uri-reference")
                        .description("The path of the request").example("/v1/customers"))
                .addProperty("errors", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/"
                        + PROBLEM_ERROR)).description("For bad input: each invalid field, parameter or header"))
                .required(List.of("type", "title", "status"));
    }

    private static void sortComponents(Components components) {
        if (components.getSchemas() != null) {
            components.setSchemas(new TreeMap<>(components.getSchemas()));
        }
    }

    private static void sortResponses(Operation operation) {
        ApiResponses sorted = new ApiResponses();
        new TreeMap<>(operation.getResponses()).forEach(sorted::addApiResponse);
        operation.setResponses(sorted);
    }
}
