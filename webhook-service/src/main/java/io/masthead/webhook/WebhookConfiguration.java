package io.masthead.webhook;

import io.masthead.webhook.delivery.application.AttemptRecorder;
import io.masthead.webhook.delivery.application.Dispatcher;
import io.masthead.platform.retention.RetentionJob;
import io.masthead.webhook.delivery.infrastructure.DeliveryRepository;
import io.masthead.webhook.delivery.infrastructure.DeliveryRetention;
import io.masthead.webhook.delivery.infrastructure.WebhookSender;
import io.masthead.webhook.delivery.model.RetryPolicy;
import io.masthead.webhook.endpoint.infrastructure.EndpointRepository;
import io.masthead.webhook.signing.application.SecretReEncryption;
import io.masthead.webhook.signing.infrastructure.StoredSecrets;
import io.masthead.platform.crypto.SecretCipher;
import io.masthead.webhook.ssrf.infrastructure.AddressGuard;
import io.masthead.webhook.ssrf.model.AddressPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Explicit wiring of the worker, the HTTP client, the SSRF guard and the encryption of secrets at rest. The
 * consumer's error handling (retries, dead letters) is the platform's ({@code ConsumerAutoConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebhookConfiguration.class);

    /** The topics the fan-out listener subscribes to (see {@code DomainEventListener}). */
    @Bean
    String[] webhookTopics(WebhookProperties properties) {
        return properties.topics().toArray(String[]::new);
    }

    /** The keys of {@code masthead.webhooks.secret-encryption}: read (and checked) at start-up. */
    @Bean
    SecretCipher secretCipher(WebhookProperties properties) {
        SecretCipher cipher = properties.secretEncryption().cipher();
        log.info("Webhook signing secrets are encrypted under key {} (keys that decrypt: {})", cipher.currentKeyId(),
                cipher.keyIds());
        return cipher;
    }

    @Bean
    StoredSecrets storedSecrets(SecretCipher cipher) {
        return new StoredSecrets(cipher);
    }

    @Bean
    SecretReEncryption secretReEncryption(EndpointRepository endpoints, SecretCipher cipher) {
        return new SecretReEncryption(endpoints, cipher, WebhookProperties.SecretEncryption.PROPERTY);
    }

    /**
     * Secrets in clear (from before encryption at rest) or under an older key are encrypted under the current key
     * before the service reports ready; a secret under a key no longer configured stops the start-up.
     */
    @Bean
    ApplicationRunner secretReEncryptionAtStartUp(SecretReEncryption reEncryption) {
        return arguments -> reEncryption.run().block();
    }

    @Bean(destroyMethod = "close")
    AddressGuard addressGuard(WebhookProperties properties) {
        AddressPolicy policy = AddressPolicy.allowing(properties.allowedSubnets());
        if (!policy.allowed().isEmpty()) {
            log.warn("Webhook endpoints may resolve to these otherwise refused subnets: {} "
                    + "(masthead.webhooks.allowed-subnets; keep it empty in production)", policy.allowed());
        }
        return new AddressGuard(policy);
    }

    @Bean(destroyMethod = "close")
    WebhookSender webhookSender(AddressGuard guard, Clock clock, WebhookProperties properties) {
        return new WebhookSender(guard, clock, properties.connectTimeout(), properties.responseTimeout(),
                properties.responseBodyLimit(), properties.maxConcurrency());
    }

    @Bean
    RetryPolicy retryPolicy(WebhookProperties properties) {
        return new RetryPolicy(properties.retrySchedule(), properties.jitter(), properties.throttledMinimumDelay());
    }

    /** Retention of the webhook log, in this order (see {@link DeliveryRetention}). */
    @Bean
    RetentionJob webhookAttemptsRetention(DatabaseClient db) {
        return DeliveryRetention.jobs(db).get(0);
    }

    @Bean
    RetentionJob webhookDeliveriesRetention(DatabaseClient db) {
        return DeliveryRetention.jobs(db).get(1);
    }

    @Bean
    RetentionJob webhookEventsRetention(DatabaseClient db) {
        return DeliveryRetention.jobs(db).get(2);
    }

    @Bean
    AttemptRecorder attemptRecorder(DeliveryRepository deliveries, TransactionalOperator transaction, Clock clock,
            WebhookProperties properties, MeterRegistry meters) {
        return new AttemptRecorder(deliveries, transaction, clock, properties.disableAfterFailingFor(), meters);
    }

    @Bean
    Dispatcher dispatcher(DeliveryRepository deliveries, WebhookSender sender,
            RetryPolicy policy, AttemptRecorder recorder, MeterRegistry meters, Clock clock,
            WebhookProperties properties) {
        return new Dispatcher(deliveries, sender, policy, recorder, meters, clock,
                new Dispatcher.Settings(properties.maxConcurrency(), properties.maxConcurrencyPerEndpoint(),
                        properties.maxQueued(), properties.maxQueuedPerEndpoint(), properties.claimBatchSize(),
                        properties.lease(),
                        WebhookSender.longestAttempt(properties.connectTimeout(), properties.responseTimeout()),
                        properties.pollInterval(), properties.dispatcherEnabled()));
    }
}
