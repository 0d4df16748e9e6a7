package io.masthead.platform.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * What the {@link RetentionRunner} deletes from one table: rows older than an age (a default, overridable with
 * {@code masthead.retention.ages.<name>}), in batches of at most {@code masthead.retention.batch-size} rows, one
 * statement (and so one short transaction) per batch, until a batch finds fewer rows than it may take. Jobs run
 * by {@code order}, then name: a job whose rows reference another table's runs before that table's job.
 * A service declares its jobs as beans; the platform registers those of its own tables. A {@link #sql} job whose
 * table the database does not have deletes nothing.
 *
 * @param name       the job's name: the key of its age in the configuration, e.g. {@code webhook-attempts}
 * @param table      the table it deletes from (the {@code table} tag of the metrics)
 * @param defaultAge rows older than this are deleted; null for a job whose age is not configurable
 * @param order      jobs with a lower order run first in each run
 * @param batch      deletes at most {@code limit} rows older than {@code cutoff}, returning how many it deleted
 * @param bounded    false for a job that deletes everything due in one call (it runs once per run)
 */
public record RetentionJob(String name, String table, Duration defaultAge, int order, Batch batch, boolean bounded) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*");

    /** One batch: delete at most {@code limit} rows older than {@code cutoff}. */
    @FunctionalInterface
    public interface Batch {
        Mono<Long> delete(Instant cutoff, int limit);
    }

    public RetentionJob {
        Objects.requireNonNull(batch, "batch");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a retention job's name is lower case, digits and dashes: " + name);
        }
        if (table == null || !TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        if (defaultAge != null && !defaultAge.isPositive()) {
            throw new IllegalArgumentException("the default age of " + name + " must be positive");
        }
    }

    /**
     * A job that runs {@code DELETE} statements of the form of {@link #batchDelete}: {@code where} selects the rows
     * that may go, with the parameter {@code :cutoff} (the time before which they are old enough).
     */
    public static RetentionJob sql(DatabaseClient db, String name, String table, Duration defaultAge, int order,
            String where) {
        String statement = batchDelete(table, where);
        // a database without the table (the gateway keeps no inbox) has nothing to delete: checked once
        AtomicReference<Boolean> present = new AtomicReference<>();
        Mono<Boolean> tablePresent = Mono.defer(() -> present.get() != null ? Mono.just(present.get())
                : db.sql("SELECT to_regclass(:table) IS NOT NULL AS present").bind("table", table)
                        .map(row -> row.get("present", Boolean.class)).one()
                        .doOnNext(present::set));
        return new RetentionJob(name, table, defaultAge, order, (cutoff, limit) -> tablePresent
                .flatMap(exists -> !exists ? Mono.just(0L) : db.sql(statement)
                        .bind("cutoff", cutoff.atOffset(ZoneOffset.UTC)).bind("limit", limit)
                        .fetch().rowsUpdated()), true);
    }

    /** A job that deletes everything due in one call, with its own fixed age (e.g. the idempotency keys' 24 h). */
    public static RetentionJob once(String name, String table, int order, Supplier<Mono<Long>> purge) {
        return new RetentionJob(name, table, null, order, (cutoff, limit) -> purge.get(), false);
    }

    /**
     * A bounded delete: at most {@code :limit} rows of {@code table} matching {@code where}, skipping rows another
     * transaction holds (so instances running the same job at once never wait for each other, and nothing a writer
     * is changing is taken). {@code where} sees the table under its own name.
     */
    public static String batchDelete(String table, String where) {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        return "DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + table + " WHERE " + where
                + " LIMIT :limit FOR UPDATE SKIP LOCKED))";
    }
}
