package io.masthead.platform.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiContractTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    @Test
    void aPostWithAPathIdGetsSecurityEveryProblemItCanMeetAndTheIdempotencyKeyHeader() {
        OpenAPI api = document("/v1/things/{id}/archive", PathItem.HttpMethod.POST, sampleOperation(true, false));

        new ApiContract(true).customise(api);

        assertThat(api.getComponents().getSecuritySchemes()).containsKey(ApiContract.SECURITY_SCHEME);
        assertThat(api.getComponents().getSecuritySchemes().get(ApiContract.SECURITY_SCHEME).getScheme())
                .isEqualTo("bearer");
        Schema<?> problem = api.getComponents().getSchemas().get(ApiContract.PROBLEM);
        assertThat(problem.getProperties()).containsOnlyKeys("type", "title", "status", "detail", "instance", "errors");
        assertThat(problem.getRequired()).containsExactlyInAnyOrder("type", "title", "status");
        assertThat(problem.getProperties().get("errors").getItems().get$ref())
                .isEqualTo("#/components/schemas/" + ApiContract.PROBLEM_ERROR);
        assertThat(api.getComponents().getSchemas().get(ApiContract.PROBLEM_ERROR).getRequired())
                .containsExactlyInAnyOrder("field", "message");

        Operation operation = api.getPaths().get("/v1/things/{id}/archive").getPost();
        assertThat(operation.getSecurity()).singleElement()
                .satisfies(requirement -> assertThat(requirement).containsKey(ApiContract.SECURITY_SCHEME));
        assertThat(operation.getResponses())
                .containsOnlyKeys("201", "400", "401", "403", "404", "406", "409", "413", "422");
        for (String code : List.of("400", "401", "403", "404", "406", "409", "413", "422")) {
            MediaType media = operation.getResponses().get(code).getContent().get(PROBLEM_JSON);
            assertThat(media).as(code).isNotNull();
            assertThat(media.getSchema().get$ref()).isEqualTo("#/components/schemas/" + ApiContract.PROBLEM);
            assertThat(media.getExample() != null || (media.getExamples() != null && !media.getExamples().isEmpty()))
                    .as("%s has an example", code).isTrue();
        }
        // the idempotency problems beside the validation problem, each its own named example
        assertThat(operation.getResponses().get("422").getContent().get(PROBLEM_JSON).getExamples())
                .containsKeys("invalid_request", "idempotency_key_reused");
        Map<?, ?> reused = (Map<?, ?>) operation.getResponses().get("422").getContent().get(PROBLEM_JSON)
                .getExamples().get("idempotency_key_reused").getValue();
        assertThat(reused.get("type")).isEqualTo("urn:masthead:problem:idempotency-key-reused");
        assertThat(reused.get("instance")).isEqualTo("/v1/things/obj_01jt3z8x9k2m4n6p8q0r2s4t6v/archive");
        assertThat(operation.getResponses().get("409").getContent().get(PROBLEM_JSON).getExample()).isNotNull();
        assertThat(operation.getResponses().get("409").getHeaders()).containsKey("Retry-After");
        Map<?, ?> tooLarge = (Map<?, ?>) operation.getResponses().get("413").getContent().get(PROBLEM_JSON).getExample();
        assertThat(tooLarge.get("type")).isEqualTo("urn:masthead:problem:request-too-large");

        assertThat(operation.getParameters()).extracting(Parameter::get$ref)
                .contains("#/components/parameters/" + ApiContract.IDEMPOTENCY_KEY);
        Parameter key = api.getComponents().getParameters().get(ApiContract.IDEMPOTENCY_KEY);
        assertThat(key.getName()).isEqualTo("Idempotency-Key");
        assertThat(key.getIn()).isEqualTo("header");
        assertThat(key.getRequired()).isFalse();
        assertThat(operation.getResponses().get("201").getHeaders()).containsKey("Idempotent-Replayed");
        assertThat(operation.getResponses().get("201").getContent()).containsOnlyKeys("application/json");
    }

    @Test
    void aGetListGetsNoBodyProblemsNoIdempotencyKeyAndTypedPagination() {
        Operation list = sampleOperation(false, true);
        OpenAPI api = document("/v1/things", PathItem.HttpMethod.GET, list);

        new ApiContract(true).customise(api);

        assertThat(list.getResponses()).containsOnlyKeys("201", "400", "401", "403", "422");
        assertThat(list.getParameters()).extracting(Parameter::getName).containsExactly("limit");
        assertThat(list.getParameters().getFirst().getSchema().getTypes()).containsExactly("integer");
        assertThat(list.getParameters().getFirst().getSchema().getMaximum()).isEqualByComparingTo("100");
        assertThat(api.getComponents().getParameters()).isNullOrEmpty();
    }

    @Test
    void aGetWithoutParametersCanOnlyBeRefusedForItsCaller() {
        Operation export = sampleOperation(false, false);
        OpenAPI api = document("/v1/things/export", PathItem.HttpMethod.GET, export);

        new ApiContract(true).customise(api);

        assertThat(export.getResponses()).containsOnlyKeys("201", "401", "403");
        assertThat(export.getSecurity()).isNotEmpty();
    }

    @Test
    void aConflictTheOperationDeclaresGetsTheProblemContentAndKeepsItsWords() {
        Operation operation = sampleOperation(true, false);
        // as springdoc builds it: the method's return type as content, which a problem response never has
        operation.getResponses().addApiResponse("409", new ApiResponse().description("The thing is archived")
                .content(new Content().addMediaType("application/json", new MediaType().schema(new StringSchema()))));
        OpenAPI api = document("/v1/things/{id}/archive", PathItem.HttpMethod.POST, operation);

        new ApiContract(true).customise(api);

        ApiResponse conflict = operation.getResponses().get("409");
        assertThat(conflict.getDescription()).startsWith("The thing is archived").contains("Idempotency-Key");
        assertThat(conflict.getContent()).containsOnlyKeys(PROBLEM_JSON);
        assertThat(conflict.getContent().get(PROBLEM_JSON).getExamples())
                .containsKeys("conflict", "idempotency_key_in_progress");
    }

    @Test
    void withoutIdempotencyAPostHasNoKeyHeaderAndNoKeyProblems() {
        Operation operation = sampleOperation(false, false);
        OpenAPI api = document("/v1/things/{id}/revoke", PathItem.HttpMethod.POST, operation);

        new ApiContract(false).customise(api);

        assertThat(operation.getParameters()).extracting(Parameter::getName).containsExactly("id");
        assertThat(operation.getResponses()).containsOnlyKeys("201", "400", "401", "403", "404", "406");
        assertThat(operation.getResponses().get("201").getHeaders()).isNullOrEmpty();
        assertThat(api.getComponents().getParameters()).isNullOrEmpty();
    }

    @Test
    void anOperationThatListsACustomerTokenKeepsItsSecurityAndOnlyTheSchemesInUseAreDeclared() {
        Operation operation = sampleOperation(false, false).security(List.of(
                new SecurityRequirement().addList(ApiContract.SECURITY_SCHEME),
                new SecurityRequirement().addList(ApiContract.CUSTOMER_TOKEN_SCHEME)));
        OpenAPI api = document("/v1/things/{id}", PathItem.HttpMethod.GET, operation);

        new ApiContract(true).customise(api);

        assertThat(api.getPaths().get("/v1/things/{id}").getGet().getSecurity()).hasSize(2);
        assertThat(api.getComponents().getSecuritySchemes())
                .containsOnlyKeys(ApiContract.SECURITY_SCHEME, ApiContract.CUSTOMER_TOKEN_SCHEME);
        assertThat(api.getComponents().getSecuritySchemes().get(ApiContract.CUSTOMER_TOKEN_SCHEME).getScheme())
                .isEqualTo("bearer");
    }

    @Test
    void aPostThatIgnoresIdempotencyKeysDocumentsNoneAndLosesItsMarker() {
        Operation operation = sampleOperation(true, false);
        operation.addExtension(ApiContract.IGNORED_KEY_EXTENSION, "ignored");
        OpenAPI api = document("/v1/things/{id}/password", PathItem.HttpMethod.POST, operation);

        new ApiContract(true).customise(api);

        Operation documented = api.getPaths().get("/v1/things/{id}/password").getPost();
        assertThat(documented.getExtensions()).isNull();
        assertThat(documented.getParameters()).noneSatisfy(p -> assertThat(p.getName()).isEqualTo("Idempotency-Key"));
        assertThat(documented.getResponses()).doesNotContainKey("409");
        assertThat(documented.getResponses().toString()).doesNotContain("idempotency-key")
                .contains("invalid-request");
    }

    /** An operation as springdoc builds it from a controller method: a success response, maybe a body. */
    private static Operation sampleOperation(boolean body, boolean limit) {
        Operation operation = new Operation().operationId("sample").summary("A sample")
                .responses(new ApiResponses().addApiResponse("201", new ApiResponse().description("Created")
                        .content(new Content().addMediaType("application/json",
                                new MediaType().schema(new StringSchema())))));
        if (body) {
            operation.requestBody(new RequestBody().content(new Content().addMediaType("application/json",
                    new MediaType().schema(new StringSchema()))));
        }
        if (limit) {
            operation.addParametersItem(new Parameter().in("query").name("limit").schema(new StringSchema()));
        }
        return operation;
    }

    private static OpenAPI document(String path, PathItem.HttpMethod method, Operation operation) {
        if (path.contains("{id}")) { // as springdoc lists a path variable
            operation.addParametersItem(new Parameter().in("path").name("id").required(true).schema(new StringSchema()));
        }
        PathItem item = new PathItem();
        item.operation(method, operation);
        return new OpenAPI().paths(new Paths().addPathItem(path, item));
    }
}
