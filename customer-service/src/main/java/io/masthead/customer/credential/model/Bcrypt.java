package io.masthead.customer.credential.model;

/**
 * The bcrypt primitive, provided by a maintained implementation (infrastructure): the model decides what is fed to
 * it and when a hash is due for a rehash.
 */
public interface Bcrypt {

    /** Whether {@code password} (at most its first 72 bytes count, as in every bcrypt) matches {@code hash}. */
    boolean matches(byte[] password, String hash);

    /** A new {@code $2a$} hash of {@code password} (at most 72 bytes) with a fresh random salt. */
    String hash(byte[] password, int cost);

    /** The cost (log2 rounds) of a bcrypt hash, or -1 when it is not one. */
    static int costOf(String hash) {
        int start = hash.startsWith("$wp$2") ? 3 : 0;
        if (hash.length() < start + 7 || hash.charAt(start) != '$' || hash.charAt(start + 1) != '2'
                || hash.charAt(start + 3) != '$' || hash.charAt(start + 6) != '$') {
            return -1;
        }
        char tens = hash.charAt(start + 4);
        char units = hash.charAt(start + 5);
        if (!Character.isDigit(tens) || !Character.isDigit(units)) {
            return -1;
        }
        return (tens - '0') * 10 + (units - '0');
    }

    /** Whether the text has the shape of a bcrypt hash: {@code $2a$}, {@code $2b$} or {@code $2y$}, cost, 53 characters. */
    static boolean looksLikeBcrypt(String hash) {
        return hash.length() == 60 && hash.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    }
}
