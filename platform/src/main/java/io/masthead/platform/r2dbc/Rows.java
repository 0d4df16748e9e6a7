package io.masthead.platform.r2dbc;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.r2dbc.core.Parameter;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Small conversions between rows and values that every repository needs. */
public final class Rows {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private Rows() {
    }

    public static Parameter text(String value) {
        return Parameter.fromOrEmpty(value, String.class);
    }

    public static OffsetDateTime timestamp(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(Readable row, String column) {
        OffsetDateTime value = row.get(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static Json json(Map<String, String> map) {
        return Json.of(JSON.writeValueAsString(map == null ? Map.of() : map));
    }

    public static Map<String, String> stringMap(Readable row, String column) {
        Json json = row.get(column, Json.class);
        return json == null ? Map.of() : JSON.readValue(json.asString(), STRING_MAP);
    }

    /** A LIKE pattern matching {@code text} anywhere, with the wildcards in it taken literally. */
    public static String containsPattern(String text) {
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
