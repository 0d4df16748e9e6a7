package io.masthead.platform.kafka;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two calls to Apicurio Registry's v3 API the platform makes itself, with failures told apart: an answer that
 * will not change ({@link Refused}: the schema id does not exist, the schema breaks a rule) from the registry being
 * unreachable or failing ({@link Unavailable}, worth retrying).
 *
 * <ul>
 *   <li>{@link #schemaText(long)}: the schema of a content id (the id in the Confluent wire format).</li>
 *   <li>{@link #findOrCreate(String, String)}: the content id of exactly this schema text under the artifact
 *       the platform's serializer settings use (group {@code default}, artifact id = the record's full name, as
 *       Apicurio's {@code QualifiedRecordIdStrategy}, i.e. Confluent's RecordNameStrategy subject), registering
 *       it as a new version if it is not there ({@code ifExists=FIND_OR_CREATE_VERSION}, like the serializer's
 *       auto-registration): rules (compatibility) apply.</li>
 * </ul>
 */
public final class SchemaRegistry {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String url;
    private final HttpClient http;
    private final Duration timeout;

    /** @param url the v3 API, {@code masthead.registry.url} ({@code http://host:port/apis/registry/v3}) */
    public SchemaRegistry(String url, Duration timeout) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** The registry answered, and the answer will be the same next time. */
    public static final class Refused extends Exception {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The registry could not be reached or failed: try again later. */
    public static final class Unavailable extends Exception {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public String schemaText(long contentId) throws Refused, Unavailable {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/ids/contentIds/" + contentId))
                .timeout(timeout).GET().build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() == 200) {
            return response.body();
        }
        if (response.statusCode() == 404) {
            throw new Refused(404, "the registry has no schema with content id " + contentId);
        }
        throw unavailable(response);
    }

    public long findOrCreate(String artifactId, String schemaText) throws Refused, Unavailable {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("content", schemaText);
        content.put("contentType", "application/json");
        content.put("references", List.of());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("artifactId", artifactId);
        body.put("artifactType", "AVRO");
        body.put("firstVersion", Map.of("content", content));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/groups/default/artifacts"
                        + "?ifExists=FIND_OR_CREATE_VERSION&canonical=false"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        HttpResponse<String> response = send(request);
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            JsonNode contentId = JSON.readTree(response.body()).path("version").path("contentId");
            if (!contentId.isNumber()) {
                throw new Unavailable("the registry's answer has no version.contentId: " + abbreviate(response.body()),
                        null);
            }
            return contentId.asLong();
        }
        if (status >= 400 && status < 500 && status != 401 && status != 403 && status != 408 && status != 429) {
            // 400 RuleViolationException: a rule (compatibility, validity) refuses this schema; 409/422 likewise
            throw new Refused(status, "the registry refused schema " + artifactId + " (HTTP " + status + "): "
                    + abbreviate(response.body()));
        }
        throw unavailable(response);
    }

    private HttpResponse<String> send(HttpRequest request) throws Unavailable {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Unavailable("the registry at " + url + " cannot be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while calling the registry", e);
        }
    }

    private Unavailable unavailable(HttpResponse<String> response) {
        return new Unavailable("the registry at " + url + " answered HTTP " + response.statusCode() + ": "
                + abbreviate(response.body()), null);
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }
}
