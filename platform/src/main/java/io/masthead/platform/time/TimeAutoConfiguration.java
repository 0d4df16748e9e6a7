package io.masthead.platform.time;

import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The one clock of a service, and the time of each site ({@link SiteTime}). Domain code takes them injected and
 * never reads the wall clock itself.
 */
@AutoConfiguration
public class TimeAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Site clocks are read from the service's database, when it has one. */
    @Bean
    @ConditionalOnMissingBean
    SiteTime siteTime(Clock clock, ObjectProvider<ConnectionFactory> connectionFactory) {
        ConnectionFactory factory = connectionFactory.getIfAvailable();
        return new SiteTime(clock, factory == null ? null : DatabaseClient.create(factory));
    }
}
