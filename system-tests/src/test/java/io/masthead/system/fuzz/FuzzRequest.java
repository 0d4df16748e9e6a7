package io.masthead.system.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One generated request, with what the oracle needs to judge the answer: whether its key, method and path are
 * valid, and which other site's id (if any) it carries. {@code path} and {@code query} are already percent-encoded.
 */
record FuzzRequest(ApiCatalogue.Operation operation, String method, String path, String query,
                   Map<String, String> headers, byte[] body, List<String> labels, boolean validAuth,
                   boolean declaredMethod, boolean oddPath, String foreignId) {

    String target() {
        return query == null || query.isEmpty() ? path : path + "?" + query;
    }

    /** The same request with other headers (e.g. a fresh Idempotency-Key for a replay). */
    FuzzRequest withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new FuzzRequest(operation, method, path, query, copy, body, labels, validAuth, declaredMethod,
                oddPath, foreignId);
    }

    /** The same request with {@code id} in the place of the other site's id. */
    FuzzRequest withIdInsteadOfForeign(String id) {
        return new FuzzRequest(operation, method, path.replace(foreignId, id),
                query == null ? null : query.replace(foreignId, id), headers, body, labels, validAuth,
                declaredMethod, oddPath, null);
    }

    FuzzRequest withForeignId(String id) {
        return new FuzzRequest(operation, method, path, query, headers, body, labels, validAuth, declaredMethod,
                oddPath, id);
    }

    /** A shell line that sends the same request (body shown if small, else described), for the report. */
    String describe(String gatewayUrl) {
        StringBuilder s = new StringBuilder("curl -sS -X ").append(method).append(" '").append(gatewayUrl)
                .append(shorten(target().replace("'", "%27"), 600)).append("'");
        headers.forEach((name, value) -> s.append(" -H '").append(name).append(": ")
                .append(shorten(name.equalsIgnoreCase("Authorization") ? redactKey(value) : value, 200)
                        .replace("'", "'\\''")).append("'"));
        if (body != null) {
            if (body.length <= 4_000) {
                s.append(" --data-binary $'").append(shellEscape(body)).append("'");
            } else {
                s.append(" --data-binary @body.json   # ").append(body.length).append(" bytes, starting ")
                        .append(shellEscape(java.util.Arrays.copyOf(body, 160)));
            }
        }
        return s.toString();
    }

    private static String redactKey(String value) {
        return value.replaceAll("(sk_(test|live)_)[A-Za-z0-9]{6,}", "$1<the fuzz site's key>");
    }

    private static String shorten(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max) + "...(" + value.length() + " chars)";
    }

    private static String shellEscape(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '\'' || c == '\\') {
                s.append('\\').append((char) c);
            } else if (c >= 0x20 && c < 0x7f) {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.toString();
    }

    String labelText() {
        return labels.stream().collect(Collectors.joining(", "));
    }

    String bodyText() {
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }
}
