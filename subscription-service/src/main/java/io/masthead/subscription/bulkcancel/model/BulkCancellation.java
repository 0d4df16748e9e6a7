package io.masthead.subscription.bulkcancel.model;

import io.masthead.platform.validation.Violations;
import io.masthead.subscription.subscription.model.SubscriptionFilter;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import io.masthead.subscription.subscription.model.Subscription;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A bulk cancellation (offboarding step 3): every subscription of a scope (all, or by plan and/or status) canceled
 * now, at the end of its period, or on a date, in batches of due work. Its progress is stored after every batch (the
 * cursor: the last subscription id done), so a crash resumes where the last committed batch ended, and a
 * subscription already ended or already canceling is skipped: a re-run cancels nothing twice. A dry run goes through
 * the same batches and counts what it would cancel.
 */
public record BulkCancellation(String id, String siteId, boolean livemode, Scope scope, Effective effective,
        Instant effectiveDate, boolean dryRun, Status status, long matched, long canceled, long skippedEnded,
        long skippedCanceling, long canceledWithAdmin, String cursor, String failure, Instant createdAt, Instant updatedAt,
        Instant completedAt) {

    public static final String ID_PREFIX = "bcn";

    public enum Status {
        PENDING, RUNNING, SUCCEEDED, FAILED;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status parse(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** When the subscriptions end: now (when the job runs), at their period end, or on a date (the job runs then). */
    public enum Effective {
        IMMEDIATELY, PERIOD_END, DATE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static boolean isKnown(String value) {
            return "immediately".equals(value) || "period_end".equals(value) || "date".equals(value);
        }

        public static Effective parse(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** Which subscriptions: every one of the site, or those of a plan and/or a status. */
    public record Scope(boolean all, String planId, SubscriptionStatus status) {

        public SubscriptionFilter filter() {
            return new SubscriptionFilter(null, status, planId, null, null);
        }
    }

    public BulkCancellation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(effective, "effective");
        Objects.requireNonNull(status, "status");
    }

    /** effective_date is at most this many years after the site's now. */
    public static final int MAX_YEARS_AHEAD = 100;

    /** Parses and checks a request; every bad field is named. */
    public static BulkCancellation request(String id, String siteId, boolean livemode, Boolean all, String plan,
            String status, boolean scopeGiven, String effective, Instant effectiveDate, Boolean dryRun, Instant now) {
        Violations v = new Violations();
        if (!scopeGiven) {
            v.add("scope", "is required: {\"all\": true} or {\"plan\": ..., \"status\": ...}");
        } else if (Boolean.TRUE.equals(all) && (plan != null || status != null)) {
            v.add("scope.all", "all takes no plan or status");
        } else if (!Boolean.TRUE.equals(all) && plan == null && status == null) {
            v.add("scope", "give all: true, or a plan and/or a status");
        }
        v.checkIfPresent("scope.plan", plan, p -> !p.isBlank() && p.length() <= 64, "must be a plan id");
        v.checkIfPresent("scope.status", status, SubscriptionStatus::isKnown,
                "must be one of scheduled, trialing, active, past_due, unpaid, paused, canceled, expired");
        v.require("effective", effective);
        v.checkIfPresent("effective", effective, Effective::isKnown, "must be immediately, period_end or date");
        if ("date".equals(effective)) {
            if (effectiveDate == null) {
                v.add("effective_date", "is required when effective is date");
            } else if (!effectiveDate.isAfter(now)) {
                v.add("effective_date", "must be in the future");
            } else {
                v.timeAtMostYearsAhead("effective_date", effectiveDate, now, MAX_YEARS_AHEAD);
            }
        } else if (effectiveDate != null) {
            v.add("effective_date", "applies to effective date only");
        }
        v.throwIfAny();
        return new BulkCancellation(id, siteId, livemode, new Scope(Boolean.TRUE.equals(all), plan,
                status == null ? null : SubscriptionStatus.parse(status)), Effective.parse(effective), effectiveDate,
                Boolean.TRUE.equals(dryRun), Status.PENDING, 0, 0, 0, 0, 0, null, null, now, now, null);
    }

    /**
     * The job's scope as of its creation, so that a run is reproducible and a dry run matches the real run for the same
     * data: the scope's plan and status, among the subscriptions created (site time) at or before the job, and (site
     * time can stand still: a test clock) whose ids were taken in an earlier millisecond than the job's; see
     * {@link #snapshotIdBound()}.
     */
    public SubscriptionFilter snapshot() {
        Instant atOrBefore = createdAt.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
        return new SubscriptionFilter(null, scope.status(), scope.planId(), null, atOrBefore);
    }

    /**
     * Subscription ids below this one were taken before the job's: ids are time-ordered by the wall clock's
     * millisecond ({@code Ids}), which goes on when a test-mode site's time stands still.
     */
    public String snapshotIdBound() {
        int millisChars = 10;
        return Subscription.ID_PREFIX + "_" + id.substring(ID_PREFIX.length() + 1, ID_PREFIX.length() + 1 + millisChars);
    }

    /** When the job's first batch is due: at once, or on the effective date. A dry run never waits. */
    public Instant firstBatchAt() {
        return effective == Effective.DATE && !dryRun ? effectiveDate : createdAt;
    }

    public boolean cancelsAtPeriodEnd() {
        return effective == Effective.PERIOD_END;
    }

    public BulkCancellation started(long matchedCount, Instant now) {
        return new BulkCancellation(id, siteId, livemode, scope, effective, effectiveDate, dryRun, Status.RUNNING,
                matchedCount, canceled, skippedEnded, skippedCanceling, canceledWithAdmin, cursor, failure, createdAt, now,
                completedAt);
    }

    /**
     * The tally of one batch; {@code canceledWithAdmin}: the live members the batch's admins' subscriptions took with
     * them (or, in a dry run, would).
     */
    public record Batch(int canceled, int skippedEnded, int skippedCanceling, long canceledWithAdmin, String lastId,
            boolean last) {
    }

    public BulkCancellation after(Batch b, Instant now) {
        boolean done = b.last();
        return new BulkCancellation(id, siteId, livemode, scope, effective, effectiveDate, dryRun,
                done ? Status.SUCCEEDED : Status.RUNNING, matched, canceled + b.canceled(),
                skippedEnded + b.skippedEnded(), skippedCanceling + b.skippedCanceling(),
                canceledWithAdmin + b.canceledWithAdmin(), b.lastId() == null ? cursor : b.lastId(), failure, createdAt, now, done ? now : null);
    }

    public BulkCancellation failed(String reason, Instant now) {
        return new BulkCancellation(id, siteId, livemode, scope, effective, effectiveDate, dryRun, Status.FAILED,
                matched, canceled, skippedEnded, skippedCanceling, canceledWithAdmin, cursor, reason, createdAt, now,
                now);
    }

    public boolean isFinished() {
        return status == Status.SUCCEEDED || status == Status.FAILED;
    }

    /** The result report: what was (or, for a dry run, would be) canceled and what was skipped, and why. */
    public Map<String, Object> report() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put(dryRun ? "would_cancel" : "canceled", canceled);
        r.put("skipped_already_ended", skippedEnded);
        r.put("skipped_already_canceling", skippedCanceling);
        r.put("processed", canceled + skippedEnded + skippedCanceling);
        // members of a group go with their admin's subscription, in the scope or not
        r.put(dryRun ? "would_cancel_with_admin" : "canceled_with_admin", canceledWithAdmin);
        if (failure != null) {
            r.put("failure", failure);
        }
        return r;
    }
}
