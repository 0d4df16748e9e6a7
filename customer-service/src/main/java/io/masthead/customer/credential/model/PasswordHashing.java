package io.masthead.customer.credential.model;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Hashing and verifying customers' passwords. New passwords get {@link HashAlgorithm#BCRYPT_SHA384}: bcrypt (a
 * maintained implementation, {@link Bcrypt}) over {@code base64(HMAC-SHA384(key "masthead-sha384", password))},
 * 64 characters, because bcrypt reads at most 72 bytes and a 128-character password can be 512. It is WordPress
 * 6.8's construction with another constant. The HMAC key is a fixed, public constant (it is in this source), not
 * a pepper: it keeps nothing secret and adds no strength; the pre-hash only passes bcrypt's 72-byte limit (and
 * keeps NUL bytes out of bcrypt's input). Migrated hashes verify by their algorithm; {@link #needsRehash} says when a hash
 * should be replaced by a new one at the next successful login (another algorithm, or a lower cost).
 *
 * <p>A stored hash names its own work factor, so a hostile or corrupt one could hold a hashing thread for minutes
 * (bcrypt cost 31, phpass 2^30 rounds). {@link #withinWorkLimit} caps it: phpass and Drupal at 2^18 rounds
 * ({@link Phpass#MAX_COUNT_LOG2}), bcrypt at {@code max(14, cost + 2)}; a hash above the cap does not verify.
 */
public final class PasswordHashing {

    /** A public constant, no secret: the HMAC is a pre-hash to pass bcrypt's 72-byte limit, not a pepper. */
    static final String PREHASH_KEY = "masthead-sha384";
    static final String WORDPRESS_PREHASH_KEY = "wp-sha384";

    private final Bcrypt bcrypt;
    private final int cost;
    private final int maxBcryptCost;

    /** @param cost the bcrypt cost (log2 rounds, 4..31) of new hashes */
    public PasswordHashing(Bcrypt bcrypt, int cost) {
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("bcrypt cost must be 4..31: " + cost);
        }
        this.bcrypt = bcrypt;
        this.cost = cost;
        this.maxBcryptCost = Math.max(14, cost + 2);
    }

    /** The highest bcrypt cost a stored hash may have and still be checked: {@code max(14, cost + 2)}. */
    public int maxBcryptCost() {
        return maxBcryptCost;
    }

    /**
     * Whether the work factor the stored hash names is within the caps (phpass and Drupal at most 2^18 rounds,
     * bcrypt at most {@link #maxBcryptCost}). A hash above them does not verify, without being computed.
     */
    public boolean withinWorkLimit(StoredPassword stored) {
        String hash = stored.hash();
        if (stored.algorithm() == HashAlgorithm.DRUPAL && hash.startsWith("U$")) {
            hash = hash.substring(1);
        }
        if (stored.algorithm() != HashAlgorithm.MD5 && stored.algorithm() != HashAlgorithm.PLAINTEXT) {
            if (Phpass.isPhpass(hash)) {
                return Phpass.countLog2(hash) <= Phpass.MAX_COUNT_LOG2;
            }
            return Bcrypt.costOf(hash) <= maxBcryptCost;
        }
        return true;
    }

    public int cost() {
        return cost;
    }

    /** A new hash of {@code password} with the current algorithm and cost. */
    public StoredPassword hash(String password) {
        return new StoredPassword(HashAlgorithm.BCRYPT_SHA384, bcrypt.hash(prehash(PREHASH_KEY, password), cost));
    }

    /** Whether {@code password} is the one {@code stored} was made from. */
    public boolean verify(String password, StoredPassword stored) {
        if (!withinWorkLimit(stored)) {
            return false;
        }
        String hash = stored.hash();
        byte[] utf8 = password.getBytes(StandardCharsets.UTF_8);
        return switch (stored.algorithm()) {
            case BCRYPT_SHA384 -> Bcrypt.looksLikeBcrypt(hash) && bcrypt.matches(prehash(PREHASH_KEY, password), hash);
            case BCRYPT -> plainBcrypt(utf8, hash);
            case WORDPRESS -> wordpress(password, hash);
            case DRUPAL -> drupal(password, hash);
            case MD5 -> md5Hex(utf8, hash);
            case PLAINTEXT -> MessageDigest.isEqual(utf8, hash.getBytes(StandardCharsets.UTF_8));
        };
    }

    /**
     * Whether checking {@code stored} is cheaper than checking a new hash (MD5, plain text, phpass, Drupal, bcrypt
     * of a lower cost): a login then checks the decoy as well, so that its time does not tell a fast legacy hash
     * from a current one (nor from an unknown email).
     */
    public boolean cheaperThanNew(StoredPassword stored) {
        String hash = stored.hash();
        return switch (stored.algorithm()) {
            case MD5, PLAINTEXT -> true;
            default -> Phpass.isPhpass(hash) || hash.startsWith("U$") || Bcrypt.costOf(hash) < cost;
        };
    }

    /**
     * {@link #verify} of {@code stored}, taking at least as long as checking a new hash: when {@code stored} is
     * {@link #cheaperThanNew cheaper}, or above the work limit (not computed), {@code decoy} (a new hash of no
     * one's password) is checked too. Always the same answer as {@link #verify}.
     */
    public boolean verifyPadded(String password, StoredPassword stored, StoredPassword decoy) {
        boolean within = withinWorkLimit(stored);
        boolean matched = within && verify(password, stored);
        if (!within || cheaperThanNew(stored)) {
            verify(password, decoy);
        }
        return matched;
    }

    /** Whether a hash that just verified should be replaced by {@link #hash} of the same password. */
    public boolean needsRehash(StoredPassword stored) {
        return stored.algorithm() != HashAlgorithm.BCRYPT_SHA384 || Bcrypt.costOf(stored.hash()) < cost;
    }

    private boolean plainBcrypt(byte[] password, String hash) {
        return Bcrypt.looksLikeBcrypt(hash) && bcrypt.matches(password, hash);
    }

    /**
     * WordPress 6.8+ ({@code $wp$2y$...}: bcrypt over base64(HMAC-SHA384(key "wp-sha384", password))), phpass
     * ({@code $P$}), plain bcrypt (what plugins or {@code password_hash} wrote), and the bare MD5 digests of
     * WordPress before 2.5. WordPress hashed {@code trim(password)} with the 6.8 scheme, so a password given with
     * surrounding blanks is tried trimmed as well.
     */
    private boolean wordpress(String password, String hash) {
        if (hash.startsWith("$wp$2")) {
            String bare = hash.substring(3);
            if (!Bcrypt.looksLikeBcrypt(bare)) {
                return false;
            }
            if (bcrypt.matches(prehash(WORDPRESS_PREHASH_KEY, password), bare)) {
                return true;
            }
            String trimmed = password.strip();
            return !trimmed.equals(password) && bcrypt.matches(prehash(WORDPRESS_PREHASH_KEY, trimmed), bare);
        }
        byte[] utf8 = password.getBytes(StandardCharsets.UTF_8);
        if (hash.startsWith("$P$") || hash.startsWith("$H$")) {
            return Phpass.matches(utf8, hash);
        }
        if (hash.startsWith("$2")) {
            return plainBcrypt(utf8, hash);
        }
        return hash.length() == 32 && md5Hex(utf8, hash);
    }

    /**
     * Drupal 7 to 10.0 (and 8.2, as the migration guide names it): {@code $S$} (SHA-512 phpass), phpass MD5
     * {@code $P$}/{@code $H$} (imported from phpBB or WordPress), {@code U$...} (a Drupal 6 MD5 digest hashed
     * again: the password's MD5 hex is what was hashed), and the bcrypt of Drupal 10.1+.
     */
    private boolean drupal(String password, String hash) {
        byte[] utf8 = password.getBytes(StandardCharsets.UTF_8);
        if (hash.startsWith("U$")) {
            byte[] inner = md5(utf8).getBytes(StandardCharsets.US_ASCII);
            String rest = hash.substring(1);
            return Phpass.isPhpass(rest) && Phpass.matches(inner, rest);
        }
        if (Phpass.isPhpass(hash)) {
            return Phpass.matches(utf8, hash);
        }
        return hash.startsWith("$2") && plainBcrypt(utf8, hash);
    }

    private static boolean md5Hex(byte[] password, String hash) {
        return hash.length() == 32 && MessageDigest.isEqual(md5(password).getBytes(StandardCharsets.US_ASCII),
                hash.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    static String md5(byte[] password) {
        return HexFormat.of().formatHex(Phpass.digest("MD5").digest(password));
    }

    /** {@code base64(HMAC-SHA384(key, password))}: 64 ASCII characters, no NUL, under bcrypt's 72 bytes. */
    static byte[] prehash(String key, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA384");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), "HmacSHA384"));
            byte[] digest = mac.doFinal(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encode(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA384 is a required JDK algorithm", e);
        }
    }
}
