package io.masthead.system.fuzz;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every public operation of every service, read from the OpenAPI documents the gateway serves: the Swagger UI
 * configuration ({@code /v3/api-docs/swagger-config}) lists one document per service (and the gateway's own), so a
 * service or an endpoint added later joins the fuzz suite with no change here.
 */
final class ApiCatalogue {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    /** One parameter of an operation: {@code in} is path, query or header. */
    record Parameter(String name, String in, boolean required, JsonNode schema) {
    }

    /**
     * One operation. {@code bodySchema} is the resolved JSON schema of its application/json request body (null when
     * it takes none); {@code document} is the document it came from, to resolve further references.
     */
    record Operation(String service, String method, String path, List<Parameter> parameters, JsonNode bodySchema,
                     boolean bodyRequired, JsonNode document) {

        String key() {
            return method + " " + path;
        }

        List<Parameter> in(String where) {
            return parameters.stream().filter(p -> p.in().equals(where)).toList();
        }

        /** The collection the path's first parameter indexes: /v1/customers/{id}/addresses gives /v1/customers. */
        String collection() {
            int brace = path.indexOf('{');
            return brace < 0 ? null : path.substring(0, brace).replaceAll("/+$", "");
        }

        /** Destructive operations run last so the objects the others need still exist. */
        int order() {
            if (method.equals("DELETE") || path.endsWith("/revoke")) {
                return 3;
            }
            if (path.endsWith("/disable")) {
                return 2;
            }
            return method.equals("GET") ? 0 : 1;
        }
    }

    private final List<Operation> operations;

    private ApiCatalogue(List<Operation> operations) {
        this.operations = operations;
    }

    List<Operation> operations() {
        return operations;
    }

    static ApiCatalogue read(String gatewayUrl) {
        HttpClient http = HttpClient.newHttpClient();
        JsonNode config = get(http, gatewayUrl + "/v3/api-docs/swagger-config");
        List<Operation> operations = new ArrayList<>();
        for (JsonNode url : config.get("urls")) {
            String service = url.get("name").asString();
            JsonNode document = get(http, gatewayUrl + url.get("url").asString());
            for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
                for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                    if (!METHODS.contains(op.getKey())) {
                        continue;
                    }
                    operations.add(operation(service, op.getKey().toUpperCase(Locale.ROOT), path.getKey(),
                            path.getValue(), op.getValue(), document));
                }
            }
        }
        operations.sort(Comparator.comparingInt(Operation::order).thenComparing(Operation::service)
                .thenComparing(Operation::path).thenComparing(Operation::method));
        return new ApiCatalogue(List.copyOf(operations));
    }

    private static Operation operation(String service, String method, String path, JsonNode pathItem, JsonNode op,
                                       JsonNode document) {
        List<Parameter> parameters = new ArrayList<>();
        for (JsonNode source : List.of(pathItem.path("parameters"), op.path("parameters"))) {
            for (JsonNode p : source) {
                JsonNode param = resolve(document, p);
                parameters.add(new Parameter(param.get("name").asString(), param.get("in").asString(),
                        param.path("required").asBoolean(false), resolve(document, param.path("schema"))));
            }
        }
        JsonNode body = resolve(document, op.path("requestBody"));
        JsonNode schema = null;
        if (!body.isMissingNode()) {
            JsonNode content = body.path("content");
            JsonNode json = content.has("application/json") ? content.get("application/json")
                    : content.properties().stream().findFirst().map(Map.Entry::getValue).orElse(null);
            schema = json == null ? JSON.createObjectNode() : resolve(document, json.path("schema"));
        }
        return new Operation(service, method, path, List.copyOf(parameters), schema,
                body.path("required").asBoolean(false), document);
    }

    /** Follows a local {@code $ref} (#/components/...) until it reaches a definition. */
    static JsonNode resolve(JsonNode document, JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; hops < 20 && current != null && current.has("$ref"); hops++) {
            String ref = current.get("$ref").asString();
            current = ref.startsWith("#") ? document.at(ref.substring(1)) : JSON.createObjectNode();
        }
        return current == null ? JSON.missingNode() : current;
    }

    private static JsonNode get(HttpClient http, String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
