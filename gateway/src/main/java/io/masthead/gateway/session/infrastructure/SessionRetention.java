package io.masthead.gateway.session.infrastructure;

import io.masthead.platform.retention.RetentionJob;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Old sessions and login attempts go: sessions a week after they were created (they last at most a day), attempts
 * a day after they were made (the rate-limit window is at most an hour).
 */
@Configuration(proxyBeanMethods = false)
public class SessionRetention {

    @Bean
    RetentionJob customerSessionsRetention(DatabaseClient db) {
        return RetentionJob.sql(db, "customer-sessions", "customer_sessions", Duration.ofDays(7), 40,
                "created_at_wall < :cutoff");
    }

    @Bean
    RetentionJob loginAttemptsRetention(DatabaseClient db) {
        return RetentionJob.sql(db, "login-attempts", "login_attempts", Duration.ofDays(1), 40,
                "attempted_at < :cutoff");
    }
}
