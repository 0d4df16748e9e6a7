package io.masthead.platform.crypto;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An AES-256 key that encrypts values at rest, named by a short id that is stored beside every value
 * it encrypted (so that the key can be rotated: values name the key they need).
 *
 * @param id 1 to 32 letters, digits, {@code .}, {@code _} or {@code -}, starting with a letter or digit
 * @param material the 32 key bytes (copied in and out; never printed)
 */
public record EncryptionKey(String id, byte[] material) {

    public static final int LENGTH = 32;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,31}");

    public EncryptionKey {
        if (id == null || !ID.matcher(id).matches()) {
            // the value is not echoed: a key id and its key swapped by mistake would print the key
            throw new IllegalArgumentException("a key id must be 1 to 32 letters, digits, '.', '_' or '-', starting "
                    + "with a letter or digit (this one has " + (id == null ? "none" : id.length() + " characters") + ")");
        }
        if (material == null || material.length != LENGTH) {
            throw new IllegalArgumentException("key '" + id + "' must be " + LENGTH + " bytes (AES-256), not "
                    + (material == null ? 0 : material.length));
        }
        material = material.clone();
    }

    /** A key from its id and its material in base64 (32 bytes). */
    public static EncryptionKey fromBase64(String id, String base64) {
        byte[] material;
        try {
            material = Base64.getDecoder().decode(base64 == null ? "" : base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key '" + id + "' is not valid base64");
        }
        return new EncryptionKey(id, material);
    }

    /**
     * Keys written one per line as {@code <id>:<base64 key>}, the current one first; blank lines and lines starting
     * with {@code #} are skipped. Errors name the line, never the key material.
     */
    public static List<EncryptionKey> parseLines(String text) {
        List<EncryptionKey> keys = new ArrayList<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected <key id>:<base64 key>");
            }
            try {
                keys.add(fromBase64(line.substring(0, colon).strip(), line.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return keys;
    }

    @Override
    public byte[] material() {
        return material.clone();
    }

    @Override
    public String toString() {
        return "EncryptionKey[id=" + id + "]";
    }
}
