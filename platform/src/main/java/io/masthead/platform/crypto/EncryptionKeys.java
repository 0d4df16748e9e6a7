package io.masthead.platform.crypto;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The configuration of a service's keys for encryption at rest: exactly one of {@code keys-location} and
 * {@code keys}. The first key encrypts, every key decrypts (rotation: put a new key first, keep the old one until
 * every value has been encrypted again or has expired).
 *
 * <p>The keys are checked when {@link #cipher} reads them, at start-up, rather than while binding: a binding
 * failure report would print the offending value, and here that may be key material.
 *
 * @param keysLocation a file (a path or a {@code file:} URL) with one {@code <key id>:<base64 of 32 bytes>} per
 *        line, the current key first; {@code #} starts a comment line. The way to configure production
 * @param keys the same keys inline, the current one first
 */
public record EncryptionKeys(String keysLocation, @DefaultValue List<Key> keys) {

    private static final String HIDDEN = "(hidden)";

    /** An inline key: its id and its material in base64 (32 bytes). */
    public record Key(String id, String key) {

        @Override
        public String toString() {
            return "Key[id=" + id + "]";
        }
    }

    public EncryptionKeys {
        keysLocation = keysLocation == null || keysLocation.isBlank() ? null : keysLocation.strip();
        keys = keys == null ? List.of() : List.copyOf(keys);
    }

    /** Whether any key is configured. */
    public boolean configured() {
        return keysLocation != null || !keys.isEmpty();
    }

    /**
     * The cipher of the configured keys (reading the key file).
     *
     * @param property the prefix these keys are bound from, named in errors (e.g. {@code masthead.encryption})
     * @param purpose what the keys encrypt, for the error when none is configured
     * @param clearPrefix the prefix of values stored in clear before encryption at rest ({@link SecretCipher}), or null
     * @throws InvalidConfigurationPropertyValueException when no key is configured, or a key is not valid: Spring
     *         Boot reports it at start-up naming the property
     */
    public SecretCipher cipher(String property, String purpose, String clearPrefix) {
        String location = property + ".keys-location";
        if (!configured()) {
            throw new InvalidConfigurationPropertyValueException(location, null, "it is required: the file of the "
                    + "keys that encrypt " + purpose + " at rest, one <key id>:<base64 of 32 random bytes> "
                    + "per line, the current key first (or the keys inline: " + property + ".keys[0].id and "
                    + ".key). There is no default key");
        }
        if (keysLocation != null && !keys.isEmpty()) {
            throw new InvalidConfigurationPropertyValueException(location, keysLocation,
                    "set only one of " + location + " and " + property + ".keys");
        }
        List<EncryptionKey> parsed = keysLocation == null ? inlineKeys(property) : fileKeys(location);
        try {
            return new SecretCipher(parsed, clearPrefix);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(keysLocation == null ? property + ".keys" : location,
                    keysLocation == null ? HIDDEN : keysLocation, e.getMessage());
        }
    }

    private List<EncryptionKey> inlineKeys(String property) {
        List<EncryptionKey> parsed = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            try {
                parsed.add(EncryptionKey.fromBase64(keys.get(i).id(), keys.get(i).key()));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationPropertyValueException(property + ".keys[" + i + "]", HIDDEN,
                        e.getMessage());
            }
        }
        return parsed;
    }

    private List<EncryptionKey> fileKeys(String location) {
        Path file = keysLocation.startsWith("file:/") ? Path.of(URI.create(keysLocation))
                : Path.of(keysLocation.startsWith("file:") ? keysLocation.substring("file:".length()) : keysLocation);
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new InvalidConfigurationPropertyValueException(location, keysLocation,
                    "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        try {
            List<EncryptionKey> parsed = EncryptionKey.parseLines(text);
            if (parsed.isEmpty()) {
                throw new IllegalArgumentException("it holds no key");
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationPropertyValueException(location, keysLocation, file + ": " + e.getMessage());
        }
    }
}
