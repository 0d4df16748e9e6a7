package io.masthead.webhook.delivery.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;
import static io.masthead.platform.r2dbc.Rows.timestamp;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.PageRequest;
import io.masthead.webhook.delivery.model.Delivery;
import io.masthead.webhook.delivery.model.DeliveryStatus;
import io.masthead.webhook.signing.infrastructure.StoredSecrets;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Deliveries in PostgreSQL: the due queue (rows with a due time, claimed with {@code FOR UPDATE SKIP LOCKED}
 * under a lease) and the delivery log.
 */
@Repository
public class DeliveryRepository {

    private static final String COLUMNS = """
            d.id, d.site_id, d.endpoint_id, d.event_id, d.event_type, d.status, d.attempt_count, d.next_attempt_at,
            d.last_attempt_at, d.last_status_code, d.last_error, d.created_at, d.completed_at""";

    /**
     * Claims due deliveries, endpoint by endpoint (in random order, for fairness): for each enabled endpoint
     * with due work that this worker has room for (not in {@code :full}), its oldest due deliveries, at most its
     * free share ({@code :roomFree}, else {@code :perEndpoint}), and on ordered endpoints only deliveries with no
     * earlier pending one of the same ordering key; {@code :limit} in all. Rows another worker holds are skipped.
     * The rows are locked (and their conditions rechecked) by the lateral scan — FOR NO KEY UPDATE, which does not
     * block the foreign-key checks of attempts being recorded for them — so the update only looks them up by
     * id: written so, the plan stays index lookups however stale the table's statistics are (the queue churns).
     * The lease pushes their due time to {@code :leaseUntil}: if the worker dies, they are due again then; and gives
     * them a new lease token, which the attempt's result must still match to be recorded. Each
     * row comes with what its attempt needs: URL, payload and the endpoint's active secrets, newest first.
     */
    private static final String CLAIM = """
            WITH endpoints_due AS (
                SELECT e.id, e.ordered, coalesce(room.free, :perEndpoint) AS free
                  FROM webhook_endpoints e
                 CROSS JOIN LATERAL (SELECT 1 FROM webhook_deliveries w
                                      WHERE w.endpoint_id = e.id AND w.status = 'pending' AND w.next_attempt_at <= :now
                                      ORDER BY w.next_attempt_at
                                      LIMIT 1) due
                  LEFT JOIN unnest(CAST(:roomEndpoints AS text[]), CAST(:roomFree AS int[])) AS room(endpoint_id, free)
                         ON room.endpoint_id = e.id
                 WHERE e.status = 'enabled' AND NOT (e.id = ANY(CAST(:full AS text[])))
                 ORDER BY random()
            ), picked AS (
                SELECT x.id
                  FROM endpoints_due ed
                 CROSS JOIN LATERAL (
                        SELECT d.id FROM webhook_deliveries d
                         WHERE d.endpoint_id = ed.id AND d.status = 'pending' AND d.next_attempt_at <= :now
                           AND (NOT ed.ordered OR d.ordering_key IS NULL OR NOT EXISTS (
                                 SELECT 1 FROM webhook_deliveries p
                                  WHERE p.endpoint_id = d.endpoint_id AND p.ordering_key = d.ordering_key
                                    AND p.status = 'pending' AND p.seq < d.seq))
                         ORDER BY d.next_attempt_at
                         LIMIT ed.free
                           FOR NO KEY UPDATE OF d SKIP LOCKED) x
                 LIMIT :limit
            )
            UPDATE webhook_deliveries d
               SET next_attempt_at = :leaseUntil, updated_at = :now, lease_token = gen_random_uuid()
              FROM webhook_endpoints e, webhook_events ev
             WHERE d.id = ANY(ARRAY(SELECT id FROM picked))
               AND e.id = d.endpoint_id AND e.status = 'enabled' AND ev.id = d.event_id
            RETURNING d.id, d.site_id, d.endpoint_id, d.event_id, d.event_type, d.attempt_count, d.round_attempts,
                      d.lease_token, e.url, e.ordered, ev.payload, ev.occurred_at,
                      (SELECT array_agg(s.secret ORDER BY s.created_at DESC) FROM webhook_endpoint_secrets s
                        WHERE s.endpoint_id = d.endpoint_id AND (s.expires_at IS NULL OR s.expires_at > :now)) AS secrets""";

    private final DatabaseClient db;
    private final StoredSecrets storedSecrets;

    public DeliveryRepository(DatabaseClient db, StoredSecrets storedSecrets) {
        this.db = db;
        this.storedSecrets = storedSecrets;
    }

    /** One pending delivery, due at {@code now}, per endpoint; an (event, endpoint) pair already there is kept. */
    public Mono<Long> insertForEvent(String siteId, String eventId, String eventType, String orderingKey,
            List<String> deliveryIds, List<String> endpointIds, Instant now) {
        if (endpointIds.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("""
                        INSERT INTO webhook_deliveries (id, site_id, endpoint_id, event_id, event_type, ordering_key,
                            status, next_attempt_at, created_at, updated_at)
                        SELECT r.id, :site, r.endpoint_id, :event, :type, :key, 'pending', :now, :now, :now
                          FROM unnest(CAST(:ids AS text[]), CAST(:endpoints AS text[])) AS r(id, endpoint_id)
                        ON CONFLICT (event_id, endpoint_id) DO NOTHING""")
                .bind("site", siteId).bind("event", eventId).bind("type", eventType).bind("key", text(orderingKey))
                .bind("now", timestamp(now))
                .bind("ids", deliveryIds.toArray(String[]::new)).bind("endpoints", endpointIds.toArray(String[]::new))
                .fetch().rowsUpdated();
    }

    /**
     * A delivery to create: one event to one endpoint, due at {@code dueAt} (for a delivery handed straight to
     * this instance's worker: the end of its lease, and {@code leaseToken} that lease's token; else null).
     */
    public record NewDelivery(String id, String siteId, String endpointId, String eventId, String eventType,
            String orderingKey, Instant dueAt, UUID leaseToken) {
    }

    /**
     * Creates pending deliveries in the given order (which is the order of their sequence numbers, so of ordered
     * delivery); an (event, endpoint) pair already there is kept.
     *
     * @return the ids of the deliveries created
     */
    public Mono<java.util.Set<String>> insertAll(List<NewDelivery> deliveries, Instant now) {
        if (deliveries.isEmpty()) {
            return Mono.just(java.util.Set.of());
        }
        return db.sql("""
                        INSERT INTO webhook_deliveries (id, site_id, endpoint_id, event_id, event_type, ordering_key,
                            status, next_attempt_at, lease_token, created_at, updated_at)
                        SELECT r.id, r.site_id, r.endpoint_id, r.event_id, r.event_type, r.ordering_key, 'pending',
                               r.due_at, r.lease_token, :now, :now
                          FROM unnest(CAST(:ids AS text[]), CAST(:sites AS text[]), CAST(:endpoints AS text[]),
                                      CAST(:events AS text[]), CAST(:types AS text[]), CAST(:keys AS text[]),
                                      CAST(:dueAt AS timestamptz[]), CAST(:leases AS uuid[]))
                               WITH ORDINALITY AS r(id, site_id, endpoint_id, event_id, event_type, ordering_key, due_at,
                                                    lease_token, n)
                         ORDER BY r.n
                        ON CONFLICT (event_id, endpoint_id) DO NOTHING
                        RETURNING id""")
                .bind("now", timestamp(now))
                .bind("ids", deliveries.stream().map(NewDelivery::id).toArray(String[]::new))
                .bind("sites", deliveries.stream().map(NewDelivery::siteId).toArray(String[]::new))
                .bind("endpoints", deliveries.stream().map(NewDelivery::endpointId).toArray(String[]::new))
                .bind("events", deliveries.stream().map(NewDelivery::eventId).toArray(String[]::new))
                .bind("types", deliveries.stream().map(NewDelivery::eventType).toArray(String[]::new))
                .bind("keys", deliveries.stream().map(NewDelivery::orderingKey).toArray(String[]::new))
                .bind("dueAt", deliveries.stream().map(d -> d.dueAt().toString()).toArray(String[]::new))
                .bind("leases", deliveries.stream().map(d -> d.leaseToken() == null ? null : d.leaseToken().toString())
                        .toArray(String[]::new))
                .map(row -> row.get("id", String.class)).all()
                .collect(java.util.HashSet::new, java.util.Set::add);
    }

    /**
     * Claims up to {@code limit} due deliveries (see {@link #CLAIM}).
     *
     * @param full endpoints this worker has no room for
     * @param room endpoints with some attempts in flight, to the number more they may take
     */
    public Flux<ClaimedDelivery> claim(Instant now, Instant leaseUntil, int limit, int perEndpoint, List<String> full,
            Map<String, Integer> room) {
        String[] roomEndpoints = room.keySet().toArray(String[]::new);
        Integer[] roomFree = new Integer[roomEndpoints.length];
        for (int i = 0; i < roomEndpoints.length; i++) {
            roomFree[i] = room.get(roomEndpoints[i]);
        }
        return db.sql(CLAIM)
                .bind("now", timestamp(now)).bind("leaseUntil", timestamp(leaseUntil))
                .bind("limit", limit).bind("perEndpoint", perEndpoint)
                .bind("full", full.toArray(String[]::new))
                .bind("roomEndpoints", roomEndpoints).bind("roomFree", roomFree)
                .map(row -> new ClaimedDelivery(row.get("id", String.class), row.get("site_id", String.class),
                        row.get("endpoint_id", String.class), row.get("event_id", String.class),
                        row.get("event_type", String.class), row.get("attempt_count", Integer.class),
                        row.get("round_attempts", Integer.class), row.get("url", String.class),
                        row.get("payload", String.class), Rows.instant(row, "occurred_at"), secrets(row),
                        row.get("ordered", Boolean.class), leaseUntil, row.get("lease_token", UUID.class)))
                .all();
    }

    /** Counting due deliveries stops here: beyond it the depth is reported as this (the count must stay cheap). */
    public static final int DUE_DEPTH_CAP = 100_000;

    /**
     * Due deliveries waiting (not in flight; at most {@link #DUE_DEPTH_CAP}) and the due time of the oldest, for
     * the metrics. Both read the per-endpoint due index: the oldest is the least of each endpoint's first entry.
     */
    public Mono<DueQueue> dueQueue(Instant now) {
        return db.sql("""
                        SELECT (SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries w
                                                       WHERE w.status = 'pending' AND w.next_attempt_at <= :now
                                                       LIMIT :cap) due) AS depth,
                               (SELECT min(first.next_attempt_at)
                                  FROM webhook_endpoints e
                                 CROSS JOIN LATERAL (SELECT w.next_attempt_at FROM webhook_deliveries w
                                                      WHERE w.endpoint_id = e.id AND w.status = 'pending'
                                                        AND w.next_attempt_at <= :now
                                                      ORDER BY w.next_attempt_at LIMIT 1) first
                                 WHERE e.status = 'enabled') AS oldest""")
                .bind("now", timestamp(now)).bind("cap", DUE_DEPTH_CAP)
                .map(row -> new DueQueue(row.get("depth", Long.class), Rows.instant(row, "oldest"))).one();
    }

    public record DueQueue(long depth, Instant oldestDueAt) {
    }

    /**
     * What {@link #record} wrote: the results refused because their lease had ended (the delivery was claimed
     * again, or is gone), and the endpoints disabled now, with the reason.
     */
    public record Recorded(List<AttemptResult> stale, List<Map.Entry<String, String>> disabled) {
    }

    /**
     * Records a batch of attempts in one transaction's statements (the caller wraps them): each delivery's new
     * state, the attempt rows, the endpoints' failure streaks, and endpoints to disable. Only results whose lease
     * token the delivery still holds are recorded (and the token is cleared: one result per lease); the others are
     * stale and change nothing. A delivery that was failed meanwhile (its endpoint was disabled) stays failed
     * unless this attempt succeeded.
     */
    public Mono<Recorded> record(List<AttemptResult> results, Instant now, Instant failingThreshold) {
        int n = results.size();
        String[] deliveries = new String[n];
        String[] leases = new String[n];
        String[] statuses = new String[n];
        String[] nextAt = new String[n];
        String[] attemptedAt = new String[n];
        Integer[] codes = new Integer[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            AttemptResult r = results.get(i);
            deliveries[i] = r.attempt().deliveryId();
            leases[i] = r.leaseToken() == null ? null : r.leaseToken().toString();
            statuses[i] = r.status().value();
            nextAt[i] = r.nextAttemptAt() == null ? null : r.nextAttemptAt().toString();
            attemptedAt[i] = r.attempt().attemptedAt().toString();
            codes[i] = r.attempt().statusCode();
            errors[i] = r.attempt().error();
        }
        // fenced by the lease token: the row lock this update takes keeps the token until the commit, so another
        // worker's claim cannot slip in between this check and the attempt rows below
        Mono<Set<String>> states = db.sql("""
                        UPDATE webhook_deliveries d SET
                            status = CASE WHEN r.status = 'succeeded' THEN 'succeeded'
                                          WHEN d.status <> 'pending' THEN d.status ELSE r.status END,
                            attempt_count = d.attempt_count + 1,
                            round_attempts = d.round_attempts + 1,
                            next_attempt_at = CASE WHEN r.status = 'pending' AND d.status = 'pending' THEN r.next_at END,
                            last_attempt_at = r.attempted_at, last_status_code = r.code, last_error = r.error,
                            completed_at = CASE WHEN r.status <> 'pending' THEN CAST(:now AS timestamptz)
                                                ELSE d.completed_at END,
                            lease_token = NULL,
                            updated_at = :now
                          FROM unnest(CAST(:deliveries AS text[]), CAST(:leases AS uuid[]), CAST(:statuses AS text[]),
                                      CAST(:nextAt AS timestamptz[]), CAST(:codes AS int[]), CAST(:errors AS text[]),
                                      CAST(:attemptedAt AS timestamptz[]))
                               AS r(id, lease_token, status, next_at, code, error, attempted_at)
                         WHERE d.id = r.id AND d.lease_token = r.lease_token
                        RETURNING d.id, r.lease_token""")
                .bind("deliveries", deliveries).bind("leases", leases).bind("statuses", statuses)
                .bind("nextAt", nextAt).bind("codes", codes).bind("errors", errors).bind("attemptedAt", attemptedAt)
                .bind("now", timestamp(now))
                .map(row -> lease(row.get("id", String.class), row.get("lease_token", UUID.class))).all()
                .collect(Collectors.toSet());
        return states.flatMap(recorded -> {
            List<AttemptResult> accepted = results.stream()
                    .filter(r -> recorded.contains(lease(r.attempt().deliveryId(), r.leaseToken()))).toList();
            List<AttemptResult> stale = results.stream()
                    .filter(r -> !recorded.contains(lease(r.attempt().deliveryId(), r.leaseToken()))).toList();
            if (accepted.isEmpty()) {
                return Mono.just(new Recorded(stale, List.of()));
            }
            return recordAccepted(accepted, now, failingThreshold).collectList()
                    .map(disabled -> new Recorded(stale, disabled));
        });
    }

    private static String lease(String deliveryId, UUID token) {
        return deliveryId + " " + token;
    }

    /** The attempt rows and endpoint updates of results whose deliveries were updated (and are locked) now. */
    private Flux<Map.Entry<String, String>> recordAccepted(List<AttemptResult> results, Instant now,
            Instant failingThreshold) {
        int n = results.size();
        String[] ids = new String[n];
        String[] sites = new String[n];
        String[] deliveries = new String[n];
        String[] endpoints = new String[n];
        String[] events = new String[n];
        Integer[] numbers = new Integer[n];
        String[] urls = new String[n];
        String[] attemptedAt = new String[n];
        Integer[] durations = new Integer[n];
        Integer[] codes = new Integer[n];
        String[] outcomes = new String[n];
        String[] errors = new String[n];
        String[] bodies = new String[n];
        java.util.Set<String> ok = new java.util.LinkedHashSet<>();
        java.util.Set<String> failed = new java.util.LinkedHashSet<>();
        java.util.Set<String> gone = new java.util.LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            AttemptResult r = results.get(i);
            var a = r.attempt();
            ids[i] = a.id();
            sites[i] = a.siteId();
            deliveries[i] = a.deliveryId();
            endpoints[i] = a.endpointId();
            events[i] = a.eventId();
            numbers[i] = a.attemptNumber();
            urls[i] = a.url();
            attemptedAt[i] = a.attemptedAt().toString();
            durations[i] = (int) Math.min(Integer.MAX_VALUE, a.durationMillis());
            codes[i] = a.statusCode();
            outcomes[i] = a.succeeded() ? "succeeded" : "failed";
            errors[i] = a.error();
            bodies[i] = a.responseBody();
            (a.succeeded() ? ok : failed).add(a.endpointId());
            if (r.disableEndpoint()) {
                gone.add(a.endpointId());
            }
        }
        failed.removeAll(ok);
        // only deliveries that exist (an endpoint deleted during the attempt took its deliveries with it) were
        // updated above, and they stay locked until the commit
        Mono<Long> attempts = db.sql("""
                        INSERT INTO webhook_attempts (id, site_id, delivery_id, endpoint_id, event_id, attempt_number, url,
                            attempted_at, duration_ms, status_code, outcome, error, response_body)
                        SELECT r.* FROM unnest(CAST(:ids AS text[]), CAST(:sites AS text[]), CAST(:deliveries AS text[]),
                            CAST(:endpoints AS text[]), CAST(:events AS text[]), CAST(:numbers AS int[]),
                            CAST(:urls AS text[]), CAST(:attemptedAt AS timestamptz[]), CAST(:durations AS int[]),
                            CAST(:codes AS int[]), CAST(:outcomes AS text[]), CAST(:errors AS text[]),
                            CAST(:bodies AS text[])) AS r(id, site_id, delivery_id, endpoint_id, event_id, attempt_number,
                                url, attempted_at, duration_ms, status_code, outcome, error, response_body)""")
                .bind("ids", ids).bind("sites", sites).bind("deliveries", deliveries).bind("endpoints", endpoints)
                .bind("events", events).bind("numbers", numbers).bind("urls", urls).bind("attemptedAt", attemptedAt)
                .bind("durations", durations).bind("codes", codes).bind("outcomes", outcomes).bind("errors", errors)
                .bind("bodies", bodies)
                .fetch().rowsUpdated();
        Mono<Long> healthy = ok.isEmpty() ? Mono.just(0L) : db.sql("""
                        UPDATE webhook_endpoints SET failing_since = NULL
                         WHERE id = ANY(CAST(:ids AS text[])) AND failing_since IS NOT NULL""")
                .bind("ids", ok.toArray(String[]::new)).fetch().rowsUpdated();
        Mono<Long> failing = failed.isEmpty() ? Mono.just(0L) : db.sql("""
                        UPDATE webhook_endpoints SET failing_since = :now
                         WHERE id = ANY(CAST(:ids AS text[])) AND failing_since IS NULL""")
                .bind("ids", failed.toArray(String[]::new)).bind("now", timestamp(now)).fetch().rowsUpdated();
        Flux<Map.Entry<String, String>> disabled = gone.isEmpty() && failed.isEmpty() ? Flux.empty() : db.sql("""
                        UPDATE webhook_endpoints
                           SET status = 'disabled', updated_at = :now,
                               disabled_reason = CASE WHEN id = ANY(CAST(:gone AS text[])) THEN 'gone' ELSE 'failing' END
                         WHERE status = 'enabled'
                           AND (id = ANY(CAST(:gone AS text[]))
                                OR (id = ANY(CAST(:failed AS text[])) AND failing_since <= :threshold))
                        RETURNING id, disabled_reason""")
                .bind("gone", gone.toArray(String[]::new)).bind("failed", failed.toArray(String[]::new))
                .bind("now", timestamp(now)).bind("threshold", timestamp(failingThreshold))
                .map(row -> Map.entry(row.get("id", String.class), row.get("disabled_reason", String.class))).all();
        return attempts.then(healthy).then(failing).thenMany(disabled);
    }

    /** Fails every pending delivery of endpoints that were just disabled. */
    public Mono<Long> failPending(List<String> endpointIds, String reason, Instant now) {
        if (endpointIds.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql("""
                        UPDATE webhook_deliveries
                           SET status = 'failed', next_attempt_at = NULL, completed_at = :now, updated_at = :now,
                               last_error = :reason
                         WHERE endpoint_id = ANY(CAST(:ids AS text[])) AND status = 'pending'""")
                .bind("ids", endpointIds.toArray(String[]::new)).bind("reason", reason).bind("now", timestamp(now))
                .fetch().rowsUpdated();
    }

    public Mono<Delivery> find(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM webhook_deliveries d WHERE d.site_id = :site AND d.id = :id")
                .bind("site", siteId).bind("id", id).map(DeliveryRepository::toDelivery).one();
    }

    /** Newest first, optionally of one endpoint, one event, one status; {@code page.fetchSize()} rows. */
    public Flux<Delivery> list(String siteId, String endpointId, String eventId, String status, PageRequest page) {
        return db.sql("SELECT " + COLUMNS + """
                         FROM webhook_deliveries d
                        WHERE d.site_id = :site
                          AND (CAST(:cursor AS TEXT) IS NULL OR d.id < :cursor)
                          AND (CAST(:endpoint AS TEXT) IS NULL OR d.endpoint_id = :endpoint)
                          AND (CAST(:event AS TEXT) IS NULL OR d.event_id = :event)
                          AND (CAST(:status AS TEXT) IS NULL OR d.status = :status)
                        ORDER BY d.id DESC LIMIT :limit""")
                .bind("site", siteId).bind("cursor", text(page.startingAfter())).bind("endpoint", text(endpointId))
                .bind("event", text(eventId)).bind("status", text(status)).bind("limit", page.fetchSize())
                .map(DeliveryRepository::toDelivery).all();
    }

    /** Queues a finished delivery again, due now, with a fresh retry schedule; empty when it is pending. */
    public Mono<Delivery> requeue(String siteId, String id, Instant now) {
        return db.sql("""
                        UPDATE webhook_deliveries d
                           SET status = 'pending', round_attempts = 0, next_attempt_at = :now, completed_at = NULL,
                               updated_at = :now
                         WHERE d.site_id = :site AND d.id = :id AND d.status <> 'pending'
                        RETURNING""" + " " + COLUMNS)
                .bind("site", siteId).bind("id", id).bind("now", timestamp(now))
                .map(DeliveryRepository::toDelivery).one();
    }

    /** Queues again every failed delivery of an endpoint created since {@code since}; returns how many. */
    public Mono<Long> requeueFailed(String siteId, String endpointId, Instant since, Instant now) {
        return db.sql("""
                        UPDATE webhook_deliveries
                           SET status = 'pending', round_attempts = 0, next_attempt_at = :now, completed_at = NULL,
                               updated_at = :now
                         WHERE site_id = :site AND endpoint_id = :endpoint AND status = 'failed' AND created_at >= :since""")
                .bind("site", siteId).bind("endpoint", endpointId).bind("since", timestamp(since))
                .bind("now", timestamp(now))
                .fetch().rowsUpdated();
    }

    /** The endpoint's active secrets, decrypted (stored encrypted; see {@link StoredSecrets}). */
    private List<String> secrets(Readable row) {
        return storedSecrets.signing(row.get("endpoint_id", String.class), row.get("secrets", String[].class));
    }

    static Delivery toDelivery(Readable row) {
        return new Delivery(row.get("id", String.class), row.get("site_id", String.class),
                row.get("endpoint_id", String.class), row.get("event_id", String.class),
                row.get("event_type", String.class), DeliveryStatus.of(row.get("status", String.class)),
                row.get("attempt_count", Integer.class), Rows.instant(row, "next_attempt_at"),
                Rows.instant(row, "last_attempt_at"), row.get("last_status_code", Integer.class),
                row.get("last_error", String.class), Rows.instant(row, "created_at"), Rows.instant(row, "completed_at"));
    }
}
