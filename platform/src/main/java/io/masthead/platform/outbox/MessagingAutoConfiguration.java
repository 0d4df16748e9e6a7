package io.masthead.platform.outbox;

import io.masthead.platform.consumer.DeadLetters;
import io.masthead.platform.inbox.Inbox;
import io.masthead.platform.kafka.SchemaRegistry;
import io.masthead.platform.kafka.TopicDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;

/** Outbox, relay, inbox and topic creation. The relay runs only where {@code masthead.outbox.enabled=true}. */
@AutoConfiguration(after = {R2dbcAutoConfiguration.class, KafkaAutoConfiguration.class})
@EnableConfigurationProperties(OutboxProperties.class)
public class MessagingAutoConfiguration {

    @Bean
    @ConditionalOnBean(ConnectionFactory.class)
    Outbox outbox(ConnectionFactory connectionFactory) {
        return new Outbox(DatabaseClient.create(connectionFactory));
    }

    @Bean
    @ConditionalOnBean(ConnectionFactory.class)
    AggregateLock aggregateLock(ConnectionFactory connectionFactory) {
        return new AggregateLock(DatabaseClient.create(connectionFactory));
    }

    @Bean
    @ConditionalOnBean(ConnectionFactory.class)
    Inbox inbox(ConnectionFactory connectionFactory) {
        return new Inbox(DatabaseClient.create(connectionFactory),
                TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory)));
    }

    @Bean
    @ConditionalOnProperty(name = "masthead.outbox.enabled", havingValue = "true")
    OutboxRelay outboxRelay(OutboxProperties properties, Environment env, KafkaProperties kafka,
            MeterRegistry meters, ObjectProvider<RelayInterceptor> interceptor) {
        String registryUrl = env.getRequiredProperty("masthead.registry.url");
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        // the relay sends the wire format as written (magic byte, schema id, the row's Avro bytes)
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, env.getProperty("spring.application.name", "service") + "-relay");
        Map<String, Object> adminConfig = kafka.buildAdminProperties();
        Topics topics = topic -> {
            Admin admin = Admin.create(adminConfig);
            try {
                admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(10_000)).allTopicNames()
                        .get(15, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return false;
                }
                throw e;
            } finally {
                admin.close(Duration.ZERO); // never wait for Kafka here: while it is away, the round fails and retries
            }
        };
        return new OutboxRelay(properties, env.getRequiredProperty("spring.flyway.url"),
                env.getProperty("spring.flyway.user"), env.getProperty("spring.flyway.password"),
                () -> new KafkaProducer<String, byte[]>(config), new SchemaRegistry(registryUrl, Duration.ofSeconds(10)),
                topics, interceptor.getIfAvailable(() -> RelayInterceptor.NONE), meters);
    }

    /**
     * Creates each declared {@link TopicDefinition} and its dead-letter topic {@code <name>.dlt} (same partitions) at
     * start-up; existing topics are left as they are.
     */
    @Bean
    @ConditionalOnBean(KafkaAdmin.class)
    KafkaAdmin.NewTopics mastheadTopics(ObjectProvider<TopicDefinition> topics, Environment env) {
        int replicas = env.getProperty("masthead.kafka.replication-factor", Integer.class, 1);
        return new KafkaAdmin.NewTopics(topics.orderedStream()
                .flatMap(t -> Stream.of(t.name(), DeadLetters.topicOf(t.name()))
                        .map(name -> TopicBuilder.name(name).partitions(t.partitions()).replicas(replicas).build()))
                .toArray(NewTopic[]::new));
    }
}
