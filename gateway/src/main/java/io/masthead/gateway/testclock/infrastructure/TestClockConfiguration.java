package io.masthead.gateway.testclock.infrastructure;

import io.masthead.events.Topics;
import io.masthead.gateway.auth.application.InternalTokens;
import io.masthead.gateway.routing.ServicesProperties;
import io.masthead.gateway.testclock.application.TestClockEvents;
import io.masthead.gateway.testclock.application.TestClockParticipants;
import io.masthead.gateway.testclock.application.TestClockProperties;
import io.masthead.gateway.testclock.application.TestClockRunner;
import io.masthead.gateway.testclock.application.TestClockService;
import io.masthead.platform.clock.TestClockCoordinator;
import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.platform.kafka.TopicDefinition;
import io.masthead.platform.outbox.Outbox;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.client.WebClient;

/** The test clocks: the API's service, the background runner, the services as participants, {@code sites.v1}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(TestClockProperties.class)
public class TestClockConfiguration {

    /** The gateway writes {@code sites.v1} (created at start-up with its dead-letter topic). */
    @Bean
    TopicDefinition sitesTopic() {
        return new TopicDefinition(Topics.SITES.topicName(), Topics.SITES.partitions());
    }

    @Bean
    @ConditionalOnMissingBean
    TestClockParticipants testClockParticipants(ServicesProperties services, TestClockProperties properties,
            InternalTokens tokens, ObjectProvider<WebClient.Builder> webClient) {
        return new ServiceParticipants(services, properties, tokens, webClient.getIfAvailable(WebClient::builder));
    }

    @Bean
    TestClockEvents testClockEvents(Outbox outbox, EventHeaderFactory headers) {
        return new TestClockEvents(outbox, headers);
    }

    @Bean
    TestClockRunner testClockRunner(TestClockRepository clocks, TestClockParticipants participants,
            TestClockEvents events, ReactiveTransactionManager transactions, TestClockProperties properties,
            Clock clock) {
        return new TestClockRunner(clocks, participants,
                new TestClockCoordinator(properties.maxRoundsPerStep(), properties.pauseAfterBusyRound()), events,
                TransactionalOperator.create(transactions), properties, clock);
    }

    @Bean
    TestClockService testClockService(TestClockRepository clocks, TestClockRunner runner,
            ReactiveTransactionManager transactions, TestClockProperties properties, Clock clock) {
        return new TestClockService(clocks, runner, TransactionalOperator.create(transactions), properties, clock);
    }
}
