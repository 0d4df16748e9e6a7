package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.local.Services;
import io.masthead.test.platform.PlatformUnderTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every OpenAPI document the gateway serves (its own and each service's, from which the SDK is generated) passes
 * Redocly CLI's recommended rules with no error and no warning. The documents are written to
 * {@code target/openapi/} to read them after a failure.
 */
class OpenApiLintTest {

    /** Springdoc's default is the Java method name, de-duplicated with {@code _1}, {@code _2}: not an API name. */
    private static final Pattern SDK_METHOD_NAME = Pattern.compile("[a-z]+([A-Z][a-z0-9]*)+");

    @Test
    void everyDocumentTheGatewayServesPassesTheRecommendedRules() throws Exception {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        Path root = Path.of(System.getProperty("masthead.root", "..")).toAbsolutePath().normalize();
        RedoclyCli redocly = RedoclyCli.installedIn(root.resolve("tools/openapi-lint"));
        Path folder = Files.createDirectories(Path.of("target", "openapi"));

        Map<String, String> documents = new LinkedHashMap<>();
        documents.put("gateway", "/v3/api-docs");
        Services.read(root).stream().map(Services.Definition::name).filter(name -> !name.equals("gateway"))
                .forEach(name -> documents.put(name, "/v3/api-docs/" + name));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<String> findings = new ArrayList<>();
        for (Map.Entry<String, String> document : documents.entrySet()) {
            HttpResponse<String> response = fetch(http, URI.create(platform.gatewayUrl() + document.getValue()));
            assertThat(response.statusCode()).as("GET %s", document.getValue()).isEqualTo(200);
            assertThat(response.body()).as("%s documents operations", document.getKey()).contains("\"/v1/");
            Path file = folder.resolve(document.getKey() + ".json");
            Files.writeString(file, response.body(), StandardCharsets.UTF_8);
            redocly.lint(file).forEach(problem -> findings.add(document.getKey() + ": " + problem));
            operationIds(response.body()).stream().filter(id -> !SDK_METHOD_NAME.matcher(id).matches())
                    .forEach(id -> findings.add(document.getKey() + ": operationId '" + id + "' is not an explicit "
                            + "verbNoun name (set @Operation(operationId = ...)): the SDK's method names come from it"));
        }

        assertThat(findings).as("Redocly lint (recommended rules) of the documents in %s", folder.toAbsolutePath())
                .isEmpty();
    }

    /**
     * GETs a document through the gateway. A 503/504 (the gateway could not reach the service in time, as happens
     * on a loaded machine right after start-up, when the first document is also built) is asked again, up to a
     * minute.
     */
    private static HttpResponse<String> fetch(HttpClient http, URI uri) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(40))
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if ((response.statusCode() != 503 && response.statusCode() != 504) || System.nanoTime() > deadline) {
                return response;
            }
            Thread.sleep(250);
        }
    }

    private static List<String> operationIds(String document) {
        List<String> ids = new ArrayList<>();
        JsonMapper.builder().build().readTree(document).path("paths")
                .forEach(path -> path.forEach(operation -> ids.add(operation.path("operationId").asString())));
        return ids;
    }
}
