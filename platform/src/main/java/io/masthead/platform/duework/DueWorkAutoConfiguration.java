package io.masthead.platform.duework;

import io.masthead.platform.time.SiteClocks;
import io.masthead.platform.time.SiteTime;
import io.masthead.platform.time.TimeAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Due work and site clocks, wherever the service has a database: {@link DueWork}, {@link SiteClocks} and the
 * {@link DueWorkRunner} with every {@link DueWorkHandler} bean. The runner's background loop runs unless
 * {@code masthead.due-work.enabled=false} (schedule, cancel and drain work either way).
 */
@AutoConfiguration(after = {R2dbcAutoConfiguration.class, TimeAutoConfiguration.class})
@ConditionalOnBean(ConnectionFactory.class)
@EnableConfigurationProperties(DueWorkProperties.class)
public class DueWorkAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SiteClocks siteClocks(ConnectionFactory connectionFactory, Clock clock) {
        return new SiteClocks(DatabaseClient.create(connectionFactory), clock);
    }

    @Bean
    @ConditionalOnMissingBean
    DueWork dueWork(ConnectionFactory connectionFactory) {
        return new DueWork(DatabaseClient.create(connectionFactory));
    }

    @Bean
    @ConditionalOnMissingBean
    DueWorkRunner dueWorkRunner(ConnectionFactory connectionFactory, ObjectProvider<DueWorkHandler> handlers,
            SiteTime siteTime, SiteClocks siteClocks, Clock clock, DueWorkProperties properties,
            ObjectProvider<MeterRegistry> meters) {
        return new DueWorkRunner(DatabaseClient.create(connectionFactory),
                TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory)),
                handlers.orderedStream().toList(), siteTime, siteClocks, clock, properties,
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }
}
