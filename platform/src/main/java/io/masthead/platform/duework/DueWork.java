package io.masthead.platform.duework;

import io.masthead.platform.r2dbc.JsonRows;
import io.masthead.platform.r2dbc.Rows;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Schedules and cancels due work: future work is a row with a due time ({@code due_work}), never a timer. There is
 * at most one item per (kind, key); call these inside the transaction of the change that makes the work due, so
 * the item exists if and only if the change committed.
 */
public class DueWork {

    private final DatabaseClient db;

    public DueWork(DatabaseClient db) {
        this.db = db;
    }

    /**
     * The one item of (kind, key), due at {@code dueAt} (milliseconds): inserted, or moved there with its new site,
     * mode and payload, its tries and lease reset (a claim in flight then finds it gone and leaves it; a parked
     * item is pending again).
     *
     * @param payload JSON text or null
     */
    public Mono<Void> schedule(String siteId, boolean livemode, String kind, String key, Instant dueAt,
            String payload) {
        return Mono.defer(() -> {
            Objects.requireNonNull(siteId, "siteId");
            requireText(kind, "kind");
            requireText(key, "key");
            Objects.requireNonNull(dueAt, "dueAt");
            return db.sql("""
                            INSERT INTO due_work (site_id, livemode, kind, key, due_at, payload)
                            VALUES (:site, :livemode, :kind, :key, :dueAt, :payload)
                            ON CONFLICT (kind, key) DO UPDATE
                               SET site_id = EXCLUDED.site_id, livemode = EXCLUDED.livemode, due_at = EXCLUDED.due_at,
                                   payload = EXCLUDED.payload, state = 'pending', lease_token = NULL,
                                   lease_until = NULL, retry_at = NULL, attempts = 0, last_error = NULL""")
                    .bind("site", siteId)
                    .bind("livemode", livemode)
                    .bind("kind", kind)
                    .bind("key", key)
                    .bind("dueAt", Rows.timestamp(dueAt.truncatedTo(ChronoUnit.MILLIS)))
                    .bind("payload", Rows.text(payload))
                    .fetch().rowsUpdated().then();
        });
    }

    /** One item to schedule with {@link #scheduleAll}: the arguments of {@link #schedule}. */
    public record Next(String siteId, boolean livemode, String kind, String key, Instant dueAt, String payload) {
        public Next {
            Objects.requireNonNull(siteId, "siteId");
            requireText(kind, "kind");
            requireText(key, "key");
            Objects.requireNonNull(dueAt, "dueAt");
        }
    }

    /**
     * {@link #schedule} for many items in one statement (e.g. the next period end of every subscription a chunk
     * renewed). Each (kind, key) at most once in {@code items}.
     */
    public Mono<Void> scheduleAll(List<Next> items) {
        return Mono.defer(() -> {
            if (items.isEmpty()) {
                return Mono.empty();
            }
            JsonRows rows = new JsonRows();
            Set<List<String>> seen = new HashSet<>();
            for (Next next : items) {
                if (!seen.add(List.of(next.kind(), next.key()))) {
                    throw new IllegalArgumentException("(" + next.kind() + ", " + next.key() + ") twice in one call");
                }
                rows.add().put("site_id", next.siteId()).put("livemode", next.livemode()).put("kind", next.kind())
                        .put("key", next.key()).put("due_at", JsonRows.time(next.dueAt().truncatedTo(ChronoUnit.MILLIS)))
                        .put("payload", next.payload());
            }
            return db.sql("""
                            INSERT INTO due_work (site_id, livemode, kind, key, due_at, payload)
                            SELECT r.site_id, r.livemode, r.kind, r.key, r.due_at, r.payload
                              FROM jsonb_to_recordset(CAST(:rows AS jsonb))
                                   AS r(site_id text, livemode boolean, kind text, key text, due_at timestamptz,
                                        payload text)
                            ON CONFLICT (kind, key) DO UPDATE
                               SET site_id = EXCLUDED.site_id, livemode = EXCLUDED.livemode, due_at = EXCLUDED.due_at,
                                   payload = EXCLUDED.payload, state = 'pending', lease_token = NULL,
                                   lease_until = NULL, retry_at = NULL, attempts = 0, last_error = NULL""")
                    .bind("rows", rows.parameter())
                    .fetch().rowsUpdated().then();
        });
    }

    /**
     * Removes the item of (kind, key), pending or parked; call it inside the transaction of the change that ends the
     * work. An item already running is not stopped: its handler's writes commit (or not) on their own, but what it
     * schedules for the same (kind, key) is removed too, so the cancellation always wins: if the first DELETE waited
     * for a running item's transaction and found its row gone, a second one (a fresh snapshot under READ COMMITTED)
     * removes the item that transaction scheduled again. A handler that must not act after a cancellation locks its
     * aggregate first and re-checks its state (see {@link DueWorkHandler}).
     *
     * @return whether there was an item (pending, parked, or scheduled again by a run that ended meanwhile)
     */
    public Mono<Boolean> cancel(String kind, String key) {
        return delete(kind, key).flatMap(deleted -> deleted ? Mono.just(true) : delete(kind, key));
    }

    private Mono<Boolean> delete(String kind, String key) {
        return Mono.defer(() -> db.sql("DELETE FROM due_work WHERE kind = :kind AND key = :key")
                .bind("kind", kind).bind("key", key)
                .fetch().rowsUpdated().map(deleted -> deleted > 0));
    }

    /** The item of (kind, key), pending or parked, or empty. */
    public Mono<ScheduledItem> find(String kind, String key) {
        return db.sql("""
                        SELECT id, site_id, livemode, kind, key, due_at, payload, state, attempts, last_error
                          FROM due_work WHERE kind = :kind AND key = :key""")
                .bind("kind", kind).bind("key", key)
                .map(row -> new ScheduledItem(new DueItem(row.get("id", Long.class), row.get("site_id", String.class),
                        Boolean.TRUE.equals(row.get("livemode", Boolean.class)), row.get("kind", String.class),
                        row.get("key", String.class), Rows.instant(row, "due_at"), row.get("payload", String.class),
                        row.get("attempts", Integer.class)), "failed".equals(row.get("state", String.class)),
                        row.get("last_error", String.class)))
                .one();
    }

    /** An item as stored: {@code parked} after max-attempts failed tries (or an unknown kind), with the last error. */
    public record ScheduledItem(DueItem item, boolean parked, String lastError) {
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
