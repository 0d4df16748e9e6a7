package io.masthead.platform.crypto;

import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * A service's keys for encryption at rest, {@code masthead.encryption.keys-location} (or {@code .keys[n].id/key}):
 * the one {@link SecretCipher} of the service, used by the platform (stored responses that carry a secret) and by
 * the service itself. A service that configures its keys under its own property (webhook-service:
 * {@code masthead.webhooks.secret-encryption}) declares its own {@link SecretCipher} bean instead, which the platform
 * uses. Without keys there is no cipher, and nothing sensitive is stored by the platform.
 */
@AutoConfiguration(beforeName = "io.masthead.platform.web.WebAutoConfiguration")
public class EncryptionAutoConfiguration {

    public static final String PROPERTY = "masthead.encryption";

    @Bean
    @ConditionalOnMissingBean
    @Conditional(KeysConfigured.class)
    SecretCipher secretCipher(Environment environment) {
        SecretCipher cipher = keys(environment).cipher(PROPERTY, "secrets and stored responses", null);
        LoggerFactory.getLogger(EncryptionAutoConfiguration.class).info(
                "Values at rest are encrypted under key {} (keys that decrypt: {})", cipher.currentKeyId(),
                cipher.keyIds());
        return cipher;
    }

    private static EncryptionKeys keys(Environment environment) {
        return Binder.get(environment).bind(PROPERTY, EncryptionKeys.class)
                .orElseGet(() -> new EncryptionKeys(null, null));
    }

    static final class KeysConfigured extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return keys(context.getEnvironment()).configured()
                    ? ConditionOutcome.match(PROPERTY + " keys are configured")
                    : ConditionOutcome.noMatch("no " + PROPERTY + " keys");
        }
    }
}
