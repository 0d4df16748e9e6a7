package io.masthead.platform.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The error handling of every listener container of every service (Boot's container factory takes the one
 * {@link CommonErrorHandler} bean), so a service added later gets it without code:
 *
 * <ul>
 *   <li>A record that failed for any reason but poison is retried with exponential backoff
 *       ({@code masthead.consumer.initial-backoff}, {@code multiplier}, capped at {@code max-backoff}), without
 *       end: the container seeks back to it, so its partition waits and no offset is committed past it.</li>
 *   <li>Poison ({@link PoisonRecordException} anywhere in the cause chain; the inbox turns a database refusal the
 *       record's own data causes into one) is not retried: it is
 *       written to {@code <topic>.dlt} by the {@link DeadLetterPublisher}, then its offset is committed.</li>
 * </ul>
 *
 * Every retry is counted ({@code masthead.consumer.retries{topic}}). A batch listener reports the record that
 * failed with {@code BatchListenerFailedException} and its index (see {@link ConsumedValues}).
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@ConditionalOnClass(DefaultErrorHandler.class)
@EnableConfigurationProperties(ConsumerProperties.class)
public class ConsumerAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    DeadLetterPublisher mastheadDeadLetterPublisher(KafkaProperties kafka, ConsumerProperties properties,
            MeterRegistry meters, Environment env) {
        String application = env.getProperty("spring.application.name", "service");
        return new DeadLetterPublisher(() -> {
            Map<String, Object> config = new HashMap<>(kafka.buildProducerProperties());
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, application + "-dlt");
            return new KafkaProducer<>(config);
        }, () -> {
            Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
            config.keySet().removeIf(key -> key.startsWith("spring.deserializer") || key.startsWith("apicurio."));
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, application + "-dlt-reader");
            return new KafkaConsumer<>(config);
        }, () -> Admin.create(kafka.buildAdminProperties()), meters, properties.fetchTimeout());
    }

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler mastheadConsumerErrorHandler(DeadLetterPublisher deadLetters, ConsumerProperties properties,
            MeterRegistry meters) {
        ExponentialBackOff backOff = new ExponentialBackOff(properties.initialBackoff().toMillis(),
                properties.multiplier());
        backOff.setMaxInterval(properties.maxBackoff().toMillis());
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        DefaultErrorHandler handler = new DefaultErrorHandler(deadLetters, backOff);
        // replaces spring-kafka's defaults (which treat every DeserializationException as fatal: a registry outage
        // would then dead-letter good records)
        // (a database refusal is poison only when the record's own data causes it: Inbox maps those to
        // PoisonRecordException; a foreign-key or unique violation can be a race and is retried)
        handler.setClassifications(Map.of(PoisonRecordException.class, false), true);
        handler.setLogLevel(KafkaException.Level.WARN);
        handler.setRetryListeners(new RetryListener() {
            @Override
            public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
                Counter.builder("masthead.consumer.retries")
                        .description("Records that failed for a transient reason and are retried")
                        .tag("topic", record.topic()).register(meters).increment();
            }
        });
        return handler;
    }
}
