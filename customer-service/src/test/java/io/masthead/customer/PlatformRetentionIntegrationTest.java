package io.masthead.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.platform.retention.RetentionRunner;
import io.masthead.platform.time.MutableClock;
import io.masthead.test.spring.MastheadIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Retention of the platform's tables in a service database: inbox ids after 14 days, idempotency keys after
 * their 24 h, measured on the service's clock, in batches (the batch size here is 7: every old row still goes in
 * one run), and what is younger stays.
 */
@MastheadIntegrationTest(database = "customers_retention", properties = {
    "masthead.retention.enabled=false", // no scheduled run: the test runs it
    "masthead.retention.batch-size=7"})
class PlatformRetentionIntegrationTest {

    @TestConfiguration
    static class Clocks {
        @Bean
        MutableClock clock() {
            return new MutableClock(Instant.now());
        }
    }

    @Autowired
    RetentionRunner retention;

    @Autowired
    MutableClock clock;

    @Autowired
    DatabaseClient db;

    @Autowired
    MeterRegistry meters;

    private OffsetDateTime ago(Duration age) {
        return clock.instant().minus(age).atOffset(ZoneOffset.UTC);
    }

    private long count(String sql) {
        return db.sql(sql).map(row -> row.get(0, Long.class)).one().block();
    }

    private double deleted(String table) {
        var counter = meters.find("masthead.retention.deleted").tag("table", table).counter();
        return counter == null ? 0 : counter.count();
    }

    private void inbox(String consumer, OffsetDateTime processedAt) {
        db.sql("INSERT INTO inbox (consumer, event_id, processed_at) VALUES (:c, :id, :at)")
                .bind("c", consumer).bind("id", UUID.randomUUID()).bind("at", processedAt).then().block();
    }

    private void idempotencyKey(String key, OffsetDateTime createdAt) {
        db.sql("""
                        INSERT INTO idempotency_keys (site_id, idempotency_key, request_hash, status, created_at)
                        VALUES ('site_retention', :key, 'h', 201, :at)""")
                .bind("key", key).bind("at", createdAt).then().block();
    }

    @Test
    void rowsOlderThanTheirAgeGoInBoundedBatchesAndYoungerOnesStay() {
        for (int i = 0; i < 23; i++) {
            inbox("retention-old", ago(Duration.ZERO)); // processed now
        }
        inbox("retention-young", ago(Duration.ZERO));
        for (int i = 0; i < 9; i++) {
            idempotencyKey("old-" + i, ago(Duration.ZERO));
        }
        double inboxBefore = deleted("inbox");
        double keysBefore = deleted("idempotency_keys");

        assertThat(retention.runOnce()).as("nothing is old enough yet").containsEntry("inbox", 0L)
                .containsEntry("idempotency-keys", 0L);

        // 25 h later the stored responses are past their replay window; the inbox ids are not
        clock.advance(Duration.ofHours(25));
        idempotencyKey("young", ago(Duration.ofHours(1)));
        Map<String, Long> day = retention.runOnce();
        assertThat(day).containsEntry("idempotency-keys", 9L).containsEntry("inbox", 0L);
        assertThat(count("SELECT count(*) FROM idempotency_keys WHERE site_id = 'site_retention'")).isEqualTo(1);

        // two weeks and a day on, the inbox ids go too, all 23 in one run of batches of 7; a younger one stays
        clock.advance(Duration.ofDays(14));
        inbox("retention-young", ago(Duration.ofDays(13)));
        Map<String, Long> fortnight = retention.runOnce();
        assertThat(fortnight.get("inbox")).isGreaterThanOrEqualTo(24L); // and whatever else the context wrote
        assertThat(count("SELECT count(*) FROM inbox WHERE consumer = 'retention-old'")).isZero();
        assertThat(count("SELECT count(*) FROM inbox WHERE consumer = 'retention-young'"))
                .as("only the id processed 13 days before the clock is left").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM idempotency_keys WHERE site_id = 'site_retention'"))
                .as("the key stored an hour before the first purge is now past 24 h too").isZero();

        assertThat((long) (deleted("inbox") - inboxBefore)).isEqualTo(fortnight.get("inbox"));
        assertThat((long) (deleted("idempotency_keys") - keysBefore)).isEqualTo(day.get("idempotency-keys")
                + fortnight.get("idempotency-keys"));
        assertThat(meters.find("masthead.retention.last.run").gauge().value())
                .isEqualTo((double) clock.instant().getEpochSecond(), org.assertj.core.data.Offset.offset(5.0));
    }
}
