package io.masthead.webhook.signing.application;

import io.masthead.webhook.endpoint.infrastructure.EndpointRepository;
import io.masthead.webhook.endpoint.infrastructure.EndpointRepository.StoredSecret;
import io.masthead.platform.crypto.SecretCipher;
import io.masthead.platform.crypto.UnreadableSecretException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Brings every stored signing secret under the current key, in one pass at start-up: values still in clear (from
 * before encryption at rest) and values under an older key are decrypted and encrypted again. This is what ends a
 * key rotation: once it has run, the older key can be removed from the configuration.
 *
 * <p>A value under a key that is no longer configured stops the start-up: the key was removed too early, and those
 * endpoints could not be signed for. A value that does not decrypt under a configured key (altered, or copied from
 * another endpoint) is logged and left as it is; it does not sign.
 */
public class SecretReEncryption {

    private static final Logger log = LoggerFactory.getLogger(SecretReEncryption.class);
    private static final int BATCH = 500;

    private final EndpointRepository endpoints;
    private final SecretCipher cipher;
    private final String keysProperty;

    /** @param keysProperty the configuration property of the keys, named when a key is missing */
    public SecretReEncryption(EndpointRepository endpoints, SecretCipher cipher, String keysProperty) {
        this.endpoints = endpoints;
        this.cipher = cipher;
        this.keysProperty = keysProperty;
    }

    /** What a pass did: values encrypted again, and values left because they do not decrypt. */
    public record Result(long reEncrypted, int unreadable) {
    }

    public Mono<Result> run() {
        return endpoints.secretsNotUnderKey(cipher.currentKeyId()).collectList().flatMap(rows -> {
            List<String> configured = cipher.keyIds();
            Set<String> missingKeys = new TreeSet<>();
            for (StoredSecret row : rows) {
                String keyId = SecretCipher.keyIdOf(row.value());
                if (keyId != null && !configured.contains(keyId)) {
                    missingKeys.add(keyId);
                }
            }
            if (!missingKeys.isEmpty()) {
                return Mono.error(new IllegalStateException("Webhook signing secrets are encrypted under "
                        + (missingKeys.size() == 1 ? "key " : "keys ") + String.join(", ", missingKeys)
                        + ", which " + keysProperty + " does not configure (it has " + String.join(", ", configured)
                        + "). Add the missing key(s) after the current one and start again: the start-up encrypts "
                        + "every secret under the current key, after which older keys can be removed."));
            }
            List<StoredSecret> before = new ArrayList<>();
            List<String> after = new ArrayList<>();
            int unreadable = 0;
            for (StoredSecret row : rows) {
                try {
                    String secret = cipher.decrypt(row.endpointId(), row.value());
                    before.add(row);
                    after.add(cipher.encrypt(row.endpointId(), secret));
                } catch (UnreadableSecretException e) {
                    unreadable++;
                    log.error("Webhook signing secret {} left as it is: {}", row.id(), e.getMessage());
                }
            }
            int unreadableCount = unreadable;
            return Flux.range(0, (before.size() + BATCH - 1) / BATCH)
                    .concatMap(i -> {
                        int from = i * BATCH;
                        int to = Math.min(before.size(), from + BATCH);
                        return endpoints.replaceStoredValues(before.subList(from, to), after.subList(from, to));
                    })
                    .reduce(0L, Long::sum)
                    .map(changed -> new Result(changed, unreadableCount));
        }).doOnNext(result -> {
            if (result.reEncrypted() > 0) {
                log.info("Encrypted {} webhook signing secrets again under key {}", result.reEncrypted(),
                        cipher.currentKeyId());
            }
        });
    }
}
