package io.masthead.platform.duework;

import java.time.Instant;

/**
 * One item of due work as its handler gets it.
 *
 * @param payload  JSON text or null, as scheduled
 * @param attempts the tries that failed before this one
 */
public record DueItem(long id, String siteId, boolean livemode, String kind, String key, Instant dueAt,
        String payload, int attempts) {
}
