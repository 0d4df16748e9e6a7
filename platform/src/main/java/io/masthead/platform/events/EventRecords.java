package io.masthead.platform.events;

import io.masthead.events.EventHeader;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/** What the platform reads from any event record: its {@code header} field (every Masthead event has one). */
public final class EventRecords {

    public static final String HEADER_FIELD = "header";

    private EventRecords() {
    }

    /** The record's {@link EventHeader}, or null for a value that is not an event with a header. */
    public static EventHeader headerOf(Object value) {
        if (!(value instanceof IndexedRecord record)) {
            return null;
        }
        Schema.Field field = record.getSchema().getField(HEADER_FIELD);
        if (field == null) {
            return null;
        }
        return record.get(field.pos()) instanceof EventHeader header ? header : null;
    }
}
