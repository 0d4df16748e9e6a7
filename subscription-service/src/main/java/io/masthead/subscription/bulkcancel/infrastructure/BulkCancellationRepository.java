package io.masthead.subscription.bulkcancel.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.subscription.bulkcancel.model.BulkCancellation;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Bulk cancellation jobs in PostgreSQL, scoped to one site. */
@Repository
public class BulkCancellationRepository {

    private static final String COLUMNS = """
            id, site_id, livemode, scope_all, scope_plan, scope_status, effective, effective_date, dry_run, status,
            matched, canceled, skipped_ended, skipped_canceling, canceled_with_admin, cursor_id, failure, created_at, updated_at,
            completed_at""";

    private final DatabaseClient db;

    public BulkCancellationRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(BulkCancellation b) {
        return db.sql("""
                        INSERT INTO bulk_cancellations (id, site_id, livemode, scope_all, scope_plan, scope_status,
                            effective, effective_date, dry_run, status, matched, canceled, skipped_ended,
                            skipped_canceling, canceled_with_admin, cursor_id, failure, created_at, updated_at,
                            completed_at)
                        VALUES (:id, :site, :livemode, :all, :plan, :scopeStatus, :effective, :effectiveDate, :dryRun,
                            :status, :matched, :canceled, :skippedEnded, :skippedCanceling, :withAdmin, :cursor, :failure,
                            :createdAt, :updatedAt, :completedAt)""")
                .bind("id", b.id()).bind("site", b.siteId()).bind("livemode", b.livemode())
                .bind("all", b.scope().all()).bind("plan", text(b.scope().planId()))
                .bind("scopeStatus", text(b.scope().status() == null ? null : b.scope().status().wireName()))
                .bind("effective", b.effective().wireName()).bind("effectiveDate", ts(b.effectiveDate()))
                .bind("dryRun", b.dryRun()).bind("status", b.status().wireName()).bind("matched", b.matched())
                .bind("canceled", b.canceled()).bind("skippedEnded", b.skippedEnded())
                .bind("skippedCanceling", b.skippedCanceling()).bind("withAdmin", b.canceledWithAdmin())
                .bind("cursor", text(b.cursor()))
                .bind("failure", text(b.failure())).bind("createdAt", Rows.timestamp(b.createdAt()))
                .bind("updatedAt", Rows.timestamp(b.updatedAt())).bind("completedAt", ts(b.completedAt()))
                .fetch().rowsUpdated().then();
    }

    /** Stores a job's progress (status, counts, cursor): the batch's writes commit with it or not at all. */
    public Mono<Void> update(BulkCancellation b) {
        return db.sql("""
                        UPDATE bulk_cancellations SET status = :status, matched = :matched, canceled = :canceled,
                            skipped_ended = :skippedEnded, skipped_canceling = :skippedCanceling,
                            canceled_with_admin = :withAdmin, cursor_id = :cursor,
                            failure = :failure, updated_at = :updatedAt, completed_at = :completedAt
                         WHERE site_id = :site AND id = :id""")
                .bind("id", b.id()).bind("site", b.siteId()).bind("status", b.status().wireName())
                .bind("matched", b.matched()).bind("canceled", b.canceled())
                .bind("skippedEnded", b.skippedEnded()).bind("skippedCanceling", b.skippedCanceling())
                .bind("withAdmin", b.canceledWithAdmin())
                .bind("cursor", text(b.cursor())).bind("failure", text(b.failure()))
                .bind("updatedAt", Rows.timestamp(b.updatedAt())).bind("completedAt", ts(b.completedAt()))
                .fetch().rowsUpdated().then();
    }

    public Mono<BulkCancellation> find(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM bulk_cancellations WHERE site_id = :site AND id = :id")
                .bind("site", siteId).bind("id", id).map(BulkCancellationRepository::toJob).one();
    }

    public Mono<BulkCancellation> findForUpdate(String siteId, String id) {
        return db.sql("SELECT " + COLUMNS + " FROM bulk_cancellations WHERE site_id = :site AND id = :id FOR UPDATE")
                .bind("site", siteId).bind("id", id).map(BulkCancellationRepository::toJob).one();
    }

    private static Parameter ts(Instant instant) {
        return Parameter.fromOrEmpty(instant == null ? null : Rows.timestamp(instant), OffsetDateTime.class);
    }

    static BulkCancellation toJob(Readable row) {
        String status = row.get("scope_status", String.class);
        return new BulkCancellation(row.get("id", String.class), row.get("site_id", String.class),
                Boolean.TRUE.equals(row.get("livemode", Boolean.class)),
                new BulkCancellation.Scope(Boolean.TRUE.equals(row.get("scope_all", Boolean.class)),
                        row.get("scope_plan", String.class), status == null ? null : SubscriptionStatus.parse(status)),
                BulkCancellation.Effective.parse(row.get("effective", String.class)),
                Rows.instant(row, "effective_date"), Boolean.TRUE.equals(row.get("dry_run", Boolean.class)),
                BulkCancellation.Status.parse(row.get("status", String.class)), row.get("matched", Long.class),
                row.get("canceled", Long.class), row.get("skipped_ended", Long.class),
                row.get("skipped_canceling", Long.class), row.get("canceled_with_admin", Long.class),
                row.get("cursor_id", String.class),
                row.get("failure", String.class), Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"),
                Rows.instant(row, "completed_at"));
    }
}
