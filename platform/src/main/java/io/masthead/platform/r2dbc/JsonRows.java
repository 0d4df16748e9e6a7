package io.masthead.platform.r2dbc;

import io.r2dbc.postgresql.codec.Json;
import java.time.Instant;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Many rows as one statement parameter: a JSON array of objects, read in SQL with
 * {@code jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(column type, ...)}, for multi-row inserts and updates of any
 * size in one round trip (one parameter, whatever the number of rows and columns). Times are ISO-8601 UTC text,
 * which PostgreSQL reads as {@code timestamptz}; binary values are base64 ({@code decode(r.x, 'base64')}).
 */
public final class JsonRows {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ArrayNode rows = JSON.createArrayNode();

    /** A new row, to fill with {@code put}. */
    public ObjectNode add() {
        return rows.addObject();
    }

    public int size() {
        return rows.size();
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The rows as a {@code jsonb}-castable parameter. */
    public Json parameter() {
        return Json.of(JSON.writeValueAsString(rows));
    }

    /** A time as the text PostgreSQL reads as {@code timestamptz} (null stays null). */
    public static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** The shared mapper, for nested JSON values (e.g. a {@code jsonb} column). */
    public static JsonMapper mapper() {
        return JSON;
    }
}
