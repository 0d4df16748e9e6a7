package io.masthead.platform.clock;

import io.masthead.platform.duework.DueWorkAutoConfiguration;
import io.masthead.platform.duework.DueWorkRunner;
import io.masthead.platform.time.SiteClocks;
import io.masthead.platform.time.TimeAutoConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The test clock in every service (docs/test-clocks.md): its {@link LocalClockParticipant}, wherever the platform's
 * due work and site clocks are (every service with a database), and the {@code /internal/clock} endpoints the
 * clock's owner calls, wherever the service verifies internal tokens. The coordinator is pure and always there.
 */
@AutoConfiguration(after = {R2dbcAutoConfiguration.class, KafkaAutoConfiguration.class, TimeAutoConfiguration.class,
        DueWorkAutoConfiguration.class})
@EnableConfigurationProperties(ClockProperties.class)
public class ClockAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TestClockCoordinator testClockCoordinator() {
        return new TestClockCoordinator();
    }

    @Bean
    @ConditionalOnBean({SiteClocks.class, DueWorkRunner.class, ConnectionFactory.class})
    @ConditionalOnMissingBean
    LocalClockParticipant localClockParticipant(Environment env, SiteClocks siteClocks, DueWorkRunner dueWork,
            ConnectionFactory connectionFactory, ObjectProvider<KafkaListenerEndpointRegistry> listeners,
            ObjectProvider<KafkaProperties> kafka, ClockProperties properties) {
        return new LocalClockParticipant(env.getProperty("spring.application.name", "service"), siteClocks, dueWork,
                DatabaseClient.create(connectionFactory), () -> consumerGroups(listeners.getIfAvailable()),
                new KafkaAdminClient(kafka), properties);
    }

    @Bean
    @ConditionalOnBean({SiteClocks.class, DueWorkRunner.class, ConnectionFactory.class})
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnProperty(name = "masthead.security.resource-server.enabled", matchIfMissing = true)
    ClockEndpoint clockEndpoint(LocalClockParticipant participant) {
        return new ClockEndpoint(participant);
    }

    /** The running listener containers' groups and topics (containers given partitions or a pattern: by topic). */
    static Collection<LocalClockParticipant.ConsumerGroup> consumerGroups(KafkaListenerEndpointRegistry registry) {
        if (registry == null) {
            return List.of();
        }
        Map<String, LinkedHashSet<String>> groups = new java.util.LinkedHashMap<>();
        for (MessageListenerContainer container : registry.getListenerContainers()) {
            if (!container.isRunning() || container.getGroupId() == null) {
                continue;
            }
            LinkedHashSet<String> topics = groups.computeIfAbsent(container.getGroupId(), g -> new LinkedHashSet<>());
            String[] named = container.getContainerProperties().getTopics();
            if (named != null) {
                topics.addAll(Arrays.asList(named));
            }
            var partitions = container.getContainerProperties().getTopicPartitions();
            if (partitions != null) {
                Arrays.stream(partitions).forEach(p -> topics.add(p.getTopic()));
            }
        }
        return groups.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> new LocalClockParticipant.ConsumerGroup(e.getKey(), java.util.Set.copyOf(e.getValue())))
                .toList();
    }

    /** One admin client, made at first use (only a service with consumers needs it), closed with the application. */
    static final class KafkaAdminClient implements Supplier<Admin>, AutoCloseable {

        private final ObjectProvider<KafkaProperties> kafka;
        private Admin admin;

        KafkaAdminClient(ObjectProvider<KafkaProperties> kafka) {
            this.kafka = kafka;
        }

        @Override
        public synchronized Admin get() {
            if (admin == null) {
                KafkaProperties properties = kafka.getIfAvailable();
                if (properties == null) {
                    throw new IllegalStateException("spring.kafka.* is needed to check this service's consumers");
                }
                admin = Admin.create(properties.buildAdminProperties());
            }
            return admin;
        }

        @Override
        public synchronized void close() {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
                admin = null;
            }
        }
    }
}
