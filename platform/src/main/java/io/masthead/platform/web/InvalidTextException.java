package io.masthead.platform.web;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.DatabindException;

/** A JSON string (or object key) that breaks {@link io.masthead.platform.validation.Text}; rendered as a 422. */
public class InvalidTextException extends DatabindException {

    private final String field;
    private final String reason;

    InvalidTextException(JsonParser parser, String field, String reason) {
        super(parser, "Field '" + field + "' " + reason);
        this.field = field;
        this.reason = reason;
    }

    /** The field, in the problem's dotted notation ({@code metadata.plan}, {@code enabled_events[2]}). */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
