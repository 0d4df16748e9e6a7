package io.masthead.platform.id;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Public ids: a type prefix and a 26-character, time-ordered, Crockford base32 body (ULID layout:
 * 48 bits of milliseconds, then 80 random bits). Ordering by id is ordering by creation time, which
 * is what cursor pagination relies on.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final int BODY_LENGTH = 26;

    private Ids() {
    }

    public static String next(String prefix, Clock clock) {
        long millis = clock.millis();
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        char[] body = new char[BODY_LENGTH];
        for (int i = 9; i >= 0; i--) {
            body[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        // 80 random bits -> 16 characters of 5 bits
        long high = 0;
        for (int i = 0; i < 5; i++) {
            high = (high << 8) | (random[i] & 0xff);
        }
        long low = 0;
        for (int i = 5; i < 10; i++) {
            low = (low << 8) | (random[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) {
            body[i] = ALPHABET[(int) (high & 31)];
            high >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            body[i] = ALPHABET[(int) (low & 31)];
            low >>>= 5;
        }
        return prefix + "_" + new String(body);
    }

    /** Whether {@code id} has the shape of an id with this prefix (cheap check before a lookup). */
    public static boolean looksLike(String prefix, String id) {
        if (id == null || id.length() != prefix.length() + 1 + BODY_LENGTH || !id.startsWith(prefix + "_")) {
            return false;
        }
        for (int i = prefix.length() + 1; i < id.length(); i++) {
            if (java.util.Arrays.binarySearch(ALPHABET, id.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }
}
