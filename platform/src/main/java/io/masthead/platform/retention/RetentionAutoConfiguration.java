package io.masthead.platform.retention;

import io.masthead.platform.idempotency.IdempotencyStore;
import io.masthead.platform.outbox.MessagingAutoConfiguration;
import io.masthead.platform.web.WebAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Retention of the platform's own tables (the inbox, the idempotency keys) and of every {@link RetentionJob} bean
 * a service declares for its tables.
 */
@AutoConfiguration(after = {R2dbcAutoConfiguration.class, WebAutoConfiguration.class, MessagingAutoConfiguration.class})
@EnableConfigurationProperties(RetentionProperties.class)
public class RetentionAutoConfiguration {

    /** Inbox ids guard against duplicates that come within days (replays, rebalances); kept two weeks. */
    public static final Duration INBOX_AGE = Duration.ofDays(14);

    @Bean
    @ConditionalOnBean(ConnectionFactory.class)
    RetentionRunner retentionRunner(ConnectionFactory connectionFactory, ObjectProvider<RetentionJob> serviceJobs,
            ObjectProvider<IdempotencyStore> idempotency, RetentionProperties properties, Clock clock,
            MeterRegistry meters) {
        DatabaseClient db = DatabaseClient.create(connectionFactory);
        List<RetentionJob> jobs = new ArrayList<>();
        jobs.add(RetentionJob.sql(db, "inbox", "inbox", INBOX_AGE, 0, "processed_at < :cutoff"));
        idempotency.ifAvailable(store -> jobs.add(RetentionJob.once("idempotency-keys", "idempotency_keys", 0,
                store::purgeExpired)));
        serviceJobs.orderedStream().forEach(jobs::add);
        return new RetentionRunner(jobs, properties, clock, meters);
    }
}
