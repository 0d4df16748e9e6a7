package io.masthead.subscription.pause.infrastructure;

import static io.masthead.platform.r2dbc.Rows.text;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.PageRequest;
import io.masthead.subscription.pause.model.Actor;
import io.masthead.subscription.pause.model.PauseRecord;
import io.masthead.subscription.pause.model.PauseTrigger;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The pause history ({@code subscription_pauses}); every query is scoped to one site. */
@Repository
public class PauseRepository {

    /** The database's side of "once per calendar year" (V6__pauses.sql). */
    public static final String ONCE_PER_YEAR_INDEX = "subscription_pauses_once_per_year";
    /** The database's side of "at most 90 days" (in hours, whatever the session's time zone). */
    public static final String AT_MOST_90_DAYS_CHECK = "subscription_pauses_at_most_90_days";
    /** At most one pause in progress per subscription. */
    public static final String ONE_OPEN_INDEX = "subscription_pauses_one_open";

    private static final String COLUMNS = """
            id, site_id, subscription_id, customer_id, pause_year, started_at, planned_end_at, paused_from,
            pause_trigger, actor_type, actor_id, forced, override_annual_limit, reason, ended_at, resume_trigger,
            resumed_by_type, resumed_by_id, resume_reason, days_paused, created_at, updated_at""";

    private final DatabaseClient db;

    public PauseRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(PauseRecord p) {
        return db.sql("""
                        INSERT INTO subscription_pauses (id, site_id, subscription_id, customer_id, pause_year,
                            started_at, planned_end_at, paused_from, pause_trigger, actor_type, actor_id, forced,
                            override_annual_limit, reason, created_at, updated_at)
                        VALUES (:id, :site, :subscription, :customer, :year, :start, :plannedEnd, :from, :trigger,
                            :actorType, :actorId, :forced, :override, :reason, :createdAt, :updatedAt)""")
                .bind("id", p.id()).bind("site", p.siteId()).bind("subscription", p.subscriptionId())
                .bind("customer", p.customerId()).bind("year", p.year()).bind("start", ts(p.startedAt()))
                .bind("plannedEnd", ts(p.plannedEndAt())).bind("from", p.pausedFrom().wireName())
                .bind("trigger", p.trigger().wireName()).bind("actorType", p.actor().type().wireName())
                .bind("actorId", text(p.actor().id())).bind("forced", p.forced())
                .bind("override", p.overrodeAnnualLimit()).bind("reason", text(p.reason()))
                .bind("createdAt", ts(p.createdAt())).bind("updatedAt", ts(p.updatedAt()))
                .fetch().rowsUpdated().then();
    }

    /** Records how the pause ended. */
    public Mono<Void> end(PauseRecord p) {
        return db.sql("""
                        UPDATE subscription_pauses SET ended_at = :endedAt, resume_trigger = :how,
                            resumed_by_type = :byType, resumed_by_id = :byId, resume_reason = :why,
                            days_paused = :days, updated_at = :updatedAt
                         WHERE site_id = :site AND id = :id""")
                .bind("endedAt", ts(p.endedAt())).bind("how", p.resumeTrigger().wireName())
                .bind("byType", p.resumedBy().type().wireName()).bind("byId", text(p.resumedBy().id()))
                .bind("why", text(p.resumeReason())).bind("days", p.daysPaused())
                .bind("updatedAt", ts(p.updatedAt())).bind("site", p.siteId()).bind("id", p.id())
                .fetch().rowsUpdated().then();
    }

    /** The pause in progress of a subscription, if any. */
    public Mono<PauseRecord> open(String siteId, String subscriptionId) {
        return db.sql("SELECT " + COLUMNS + " FROM subscription_pauses WHERE site_id = :site "
                        + "AND subscription_id = :subscription AND ended_at IS NULL")
                .bind("site", siteId).bind("subscription", subscriptionId)
                .map(PauseRepository::toRecord).one();
    }

    /** A page of a subscription's pauses, newest first. */
    public Flux<PauseRecord> history(String siteId, String subscriptionId, PageRequest page) {
        return db.sql("SELECT " + COLUMNS + " FROM subscription_pauses WHERE site_id = :site "
                        + "AND subscription_id = :subscription "
                        + "AND (CAST(:cursor AS TEXT) IS NULL OR id < :cursor) ORDER BY id DESC LIMIT :limit")
                .bind("site", siteId).bind("subscription", subscriptionId)
                .bind("cursor", text(page.startingAfter())).bind("limit", page.fetchSize())
                .map(PauseRepository::toRecord).all();
    }

    private static PauseRecord toRecord(Readable row) {
        String resumeTrigger = row.get("resume_trigger", String.class);
        String resumedByType = row.get("resumed_by_type", String.class);
        return new PauseRecord(row.get("id", String.class), row.get("site_id", String.class),
                row.get("subscription_id", String.class), row.get("customer_id", String.class),
                row.get("pause_year", Integer.class), Rows.instant(row, "started_at"),
                Rows.instant(row, "planned_end_at"), SubscriptionStatus.parse(row.get("paused_from", String.class)),
                PauseTrigger.parse(row.get("pause_trigger", String.class)),
                actor(row.get("actor_type", String.class), row.get("actor_id", String.class)),
                Boolean.TRUE.equals(row.get("forced", Boolean.class)),
                Boolean.TRUE.equals(row.get("override_annual_limit", Boolean.class)), row.get("reason", String.class),
                Rows.instant(row, "ended_at"), resumeTrigger == null ? null : PauseTrigger.parse(resumeTrigger),
                resumedByType == null ? null : actor(resumedByType, row.get("resumed_by_id", String.class)),
                row.get("resume_reason", String.class), row.get("days_paused", Integer.class),
                Rows.instant(row, "created_at"), Rows.instant(row, "updated_at"));
    }

    private static Actor actor(String type, String id) {
        return new Actor(Actor.Type.parse(type), id);
    }

    private static OffsetDateTime ts(Instant instant) {
        return Rows.timestamp(instant);
    }

    static Parameter tsOrNull(Instant instant) {
        return Parameter.fromOrEmpty(instant == null ? null : Rows.timestamp(instant), OffsetDateTime.class);
    }
}
