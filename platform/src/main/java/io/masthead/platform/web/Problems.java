package io.masthead.platform.web;

import io.masthead.platform.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 9457 problem documents: {@code type}, {@code title}, {@code status}, {@code detail},
 * {@code instance} and, for bad input, {@code errors}: one {@code {field, message}} per invalid field.
 */
public final class Problems {

    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Problems() {
    }

    public static String typeUri(String slug) {
        return "urn:masthead:problem:" + slug;
    }

    public static Map<String, Object> body(int status, String slug, String title, String detail, String instance,
            List<Violation> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", typeUri(slug));
        body.put("title", title);
        body.put("status", status);
        if (detail != null) {
            body.put("detail", detail);
        }
        if (instance != null) {
            body.put("instance", instance);
        }
        if (!errors.isEmpty()) {
            body.put("errors", errors.stream().map(v -> {
                Map<String, String> e = new LinkedHashMap<>();
                e.put("field", v.field());
                e.put("message", v.message());
                return e;
            }).toList());
        }
        return body;
    }

    /** A problem document as JSON bytes, for writers below the web framework. */
    public static byte[] json(int status, String slug, String title, String detail, String instance,
            List<Violation> errors) {
        return JSON.writeValueAsString(body(status, slug, title, detail, instance, errors))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Writes a problem document as the whole response. */
    public static Mono<Void> write(ServerHttpResponse response, HttpStatusCode status, String slug, String title,
            String detail, String instance, List<Violation> errors) {
        if (response.isCommitted()) {
            return Mono.empty();
        }
        byte[] bytes = JSON.writeValueAsString(body(status.value(), slug, title, detail, instance, errors))
                .getBytes(StandardCharsets.UTF_8);
        response.setStatusCode(status);
        response.getHeaders().setContentType(PROBLEM_JSON);
        response.getHeaders().setContentLength(bytes.length);
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return response.writeWith(Mono.just(buffer));
    }
}
