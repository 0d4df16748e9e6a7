package io.masthead.customer.credential.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.customer.credential.infrastructure.SpringBcrypt;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Every algorithm against published vectors: hashcat's example hashes (password "hashcat": modes 0, 400, 3200,
 * 7900), the PHP manual's {@code password_verify} example ({@code $2y$}), and a WordPress 6.8 {@code $wp$} hash
 * that PHP's {@code password_verify} accepts for "admin".
 */
class PasswordHashingTest {

    private final PasswordHashing hashing = new PasswordHashing(new SpringBcrypt(), 4);

    private boolean verify(HashAlgorithm algorithm, String hash, String password) {
        return hashing.verify(password, new StoredPassword(algorithm, hash));
    }

    @Test
    void phpassPortableHashesOfWordPressAndPhpBb() {
        assertThat(verify(HashAlgorithm.WORDPRESS, "$P$984478476IagS59wHZvyQMArzfx58u.", "hashcat")).isTrue();
        assertThat(verify(HashAlgorithm.WORDPRESS, "$H$984478476IagS59wHZvyQMArzfx58u.", "hashcat")).isTrue();
        assertThat(verify(HashAlgorithm.WORDPRESS, "$P$984478476IagS59wHZvyQMArzfx58u.", "Hashcat")).isFalse();
        assertThat(verify(HashAlgorithm.WORDPRESS, "$P$984478476IagS59wHZvyQMArzfx58v.", "hashcat")).isFalse();
        // Drupal takes phpass MD5 hashes too
        assertThat(verify(HashAlgorithm.DRUPAL, "$P$984478476IagS59wHZvyQMArzfx58u.", "hashcat")).isTrue();
    }

    @Test
    void drupalSha512Hashes() {
        String hash = "$S$C33783772bRXEx1aCsvY.dqgaaSu76XmVlKrW9Qu8IQlvxHlmzLf";
        assertThat(verify(HashAlgorithm.DRUPAL, hash, "hashcat")).isTrue();
        assertThat(verify(HashAlgorithm.DRUPAL, hash, "hashcat ")).isFalse();
        assertThat(verify(HashAlgorithm.DRUPAL, hash.substring(0, 54), "hashcat")).isFalse();
    }

    @Test
    void drupalUpdatedMd5HashesHashTheMd5HexOfThePassword() {
        // Drupal 7's update from Drupal 6 kept "U" + the SHA-512 phpass of the old MD5 hex digest
        String md5 = PasswordHashing.md5("hashcat".getBytes(StandardCharsets.UTF_8));
        assertThat(md5).isEqualTo("8743b52063cd84097a65d1633f5c74f5");
        String inner = Phpass.crypt(md5.getBytes(StandardCharsets.US_ASCII), "$S$C33783772");
        assertThat(verify(HashAlgorithm.DRUPAL, "U" + inner, "hashcat")).isTrue();
        assertThat(verify(HashAlgorithm.DRUPAL, "U" + inner, md5)).isFalse();
        assertThat(verify(HashAlgorithm.DRUPAL, inner, "hashcat")).isFalse();
    }

    @Test
    void md5HexDigestsInEitherCase() {
        assertThat(verify(HashAlgorithm.MD5, "8743b52063cd84097a65d1633f5c74f5", "hashcat")).isTrue();
        assertThat(verify(HashAlgorithm.MD5, "8743B52063CD84097A65D1633F5C74F5", "hashcat")).isTrue();
        assertThat(verify(HashAlgorithm.MD5, "8743b52063cd84097a65d1633f5c74f5", "hashcat!")).isFalse();
        assertThat(verify(HashAlgorithm.MD5, "8743b52063cd84097a65d1633f5c74", "hashcat")).isFalse();
        // WordPress before 2.5 kept bare MD5 digests
        assertThat(verify(HashAlgorithm.WORDPRESS, "8743b52063cd84097a65d1633f5c74f5", "hashcat")).isTrue();
    }

    @Test
    void plainBcryptOf2aAnd2yKinds() {
        assertThat(verify(HashAlgorithm.BCRYPT, "$2a$05$LhayLxezLhK1LhWvKxCyLOj0j1u.Kj0jZ0pEmm134uzrQlFvQJLF6",
                "hashcat")).isTrue();
        assertThat(verify(HashAlgorithm.BCRYPT, "$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq",
                "rasmuslerdorf")).isTrue();
        assertThat(verify(HashAlgorithm.BCRYPT, "$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq",
                "rasmuslerdorF")).isFalse();
        assertThat(verify(HashAlgorithm.BCRYPT, "$2y$07$not-a-hash", "rasmuslerdorf")).isFalse();
        // Drupal 10.1+ and WordPress plugins write plain bcrypt as well
        assertThat(verify(HashAlgorithm.DRUPAL, "$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq",
                "rasmuslerdorf")).isTrue();
        assertThat(verify(HashAlgorithm.WORDPRESS, "$2y$07$BCryptRequires22Chrcte/VlQH0piJtjXl.0t1XkA8pw9dMXTpOq",
                "rasmuslerdorf")).isTrue();
    }

    @Test
    void wordpress68PrehashedBcrypt() {
        String hash = "$wp$2y$10$Q1xinFjrZeLWJBvxviIL6u834Fu.evIEFHAUVisQ5O.w9Dm0sMdES";
        assertThat(verify(HashAlgorithm.WORDPRESS, hash, "admin")).isTrue();
        // WordPress hashed trim(password): surrounding blanks given at login still match
        assertThat(verify(HashAlgorithm.WORDPRESS, hash, " admin ")).isTrue();
        assertThat(verify(HashAlgorithm.WORDPRESS, hash, "Admin")).isFalse();
        // it is no plain bcrypt of the password: the pre-hash matters
        assertThat(verify(HashAlgorithm.BCRYPT, hash.substring(3), "admin")).isFalse();
    }

    @Test
    void plaintextComparesExactly() {
        assertThat(verify(HashAlgorithm.PLAINTEXT, "s3cret pass", "s3cret pass")).isTrue();
        assertThat(verify(HashAlgorithm.PLAINTEXT, "s3cret pass", "s3cret pas")).isFalse();
        assertThat(verify(HashAlgorithm.PLAINTEXT, "s3cret pass", "S3cret pass")).isFalse();
    }

    @Test
    void newHashesAreBcryptOverAPrehashSoEveryCharacterOfALongPasswordCounts() {
        String longPassword = "é".repeat(100) + "tail-1";
        StoredPassword stored = hashing.hash(longPassword);
        assertThat(stored.algorithm()).isEqualTo(HashAlgorithm.BCRYPT_SHA384);
        assertThat(stored.hash()).startsWith("$2a$04$").hasSize(60);
        assertThat(stored.toString()).doesNotContain(stored.hash());
        assertThat(hashing.verify(longPassword, stored)).isTrue();
        // plain bcrypt would stop reading after 72 bytes: these differ only after 200 bytes
        assertThat(hashing.verify("é".repeat(100) + "tail-2", stored)).isFalse();
        // two hashes of the same password differ (random salt)
        assertThat(hashing.hash(longPassword).hash()).isNotEqualTo(stored.hash());
    }

    @Test
    void anyOtherAlgorithmOrALowerCostIsDueForARehash() {
        assertThat(hashing.needsRehash(hashing.hash("a password"))).isFalse();
        assertThat(new PasswordHashing(new SpringBcrypt(), 5).needsRehash(hashing.hash("a password"))).isTrue();
        assertThat(hashing.needsRehash(new StoredPassword(HashAlgorithm.MD5, "8743b52063cd84097a65d1633f5c74f5")))
                .isTrue();
        assertThat(hashing.needsRehash(new StoredPassword(HashAlgorithm.BCRYPT,
                "$2a$05$LhayLxezLhK1LhWvKxCyLOj0j1u.Kj0jZ0pEmm134uzrQlFvQJLF6"))).isTrue();
        assertThat(Bcrypt.costOf("$wp$2y$10$Q1xinFjrZeLWJBvxviIL6u834Fu.evIEFHAUVisQ5O.w9Dm0sMdES")).isEqualTo(10);
        assertThat(Bcrypt.costOf("8743b52063cd84097a65d1633f5c74f5")).isEqualTo(-1);
    }

    @Test
    void malformedPhpassSettingsNeverMatch() {
        assertThat(Phpass.crypt("x".getBytes(), "$P$")).isNull();
        assertThat(Phpass.crypt("x".getBytes(), "$P$4abcdefgh")).isNull(); // "4" is 6: a count below 2^7
        assertThat(Phpass.crypt("x".getBytes(), "$X$984478476")).isNull();
        assertThat(verify(HashAlgorithm.WORDPRESS, "$P$", "")).isFalse();
    }

    @Test
    void phpassAndDrupalHashesAboveTwoToTheEighteenRoundsDoNotVerify() {
        byte[] password = "hashcat".getBytes(StandardCharsets.UTF_8);
        String at18 = Phpass.crypt(password, "$P$G84478476");
        assertThat(at18).startsWith("$P$G");
        assertThat(verify(HashAlgorithm.WORDPRESS, at18, "hashcat")).isTrue();
        String drupalAt18 = Phpass.crypt(password, "$S$G33783772");
        assertThat(verify(HashAlgorithm.DRUPAL, drupalAt18, "hashcat")).isTrue();
        // 'H' is 2^19 rounds, '/' .. 'S' up to 2^30 as phpass allows: refused without being computed
        for (String hostile : new String[] {"$P$H84478476IagS59wHZvyQMArzfx58u.", "$P$S84478476IagS59wHZvyQMArzfx58u.",
                "$S$S33783772bRXEx1aCsvY.dqgaaSu76XmVlKrW9Qu8IQlvxHlmzLf"}) {
            StoredPassword stored = new StoredPassword(
                    hostile.startsWith("$S$") ? HashAlgorithm.DRUPAL : HashAlgorithm.WORDPRESS, hostile);
            assertThat(hashing.withinWorkLimit(stored)).as(hostile).isFalse();
            assertThat(hashing.verify("hashcat", stored)).as(hostile).isFalse();
            assertThat(Phpass.crypt(password, hostile)).isNull();
        }
        assertThat(hashing.withinWorkLimit(new StoredPassword(HashAlgorithm.DRUPAL,
                "U$S$S33783772bRXEx1aCsvY.dqgaaSu76XmVlKrW9Qu8IQlvxHlmzLf"))).isFalse();
    }

    @Test
    void bcryptHashesAboveTheCostCapAreNeverComputed() {
        java.util.concurrent.atomic.AtomicInteger computed = new java.util.concurrent.atomic.AtomicInteger();
        SpringBcrypt real = new SpringBcrypt();
        Bcrypt counting = new Bcrypt() {
            @Override
            public boolean matches(byte[] password, String hash) {
                computed.incrementAndGet();
                return real.matches(password, hash);
            }

            @Override
            public String hash(byte[] password, int cost) {
                return real.hash(password, cost);
            }
        };
        PasswordHashing cost4 = new PasswordHashing(counting, 4);
        PasswordHashing cost13 = new PasswordHashing(counting, 13);
        assertThat(cost4.maxBcryptCost()).isEqualTo(14);
        assertThat(cost13.maxBcryptCost()).isEqualTo(15);
        String salt = "LhayLxezLhK1LhWvKxCyLOj0j1u.Kj0jZ0pEmm134uzrQlFvQJLF6";
        for (StoredPassword hostile : new StoredPassword[] {
                new StoredPassword(HashAlgorithm.BCRYPT, "$2a$31$" + salt),
                new StoredPassword(HashAlgorithm.BCRYPT_SHA384, "$2a$15$" + salt),
                new StoredPassword(HashAlgorithm.WORDPRESS, "$wp$2y$20$" + salt),
                new StoredPassword(HashAlgorithm.WORDPRESS, "$2y$15$" + salt),
                new StoredPassword(HashAlgorithm.DRUPAL, "$2y$16$" + salt)}) {
            assertThat(cost4.withinWorkLimit(hostile)).as(hostile.hash()).isFalse();
            assertThat(cost4.verify("a password", hostile)).isFalse();
        }
        assertThat(computed).hasValue(0);
        assertThat(cost13.withinWorkLimit(new StoredPassword(HashAlgorithm.BCRYPT, "$2a$15$" + salt))).isTrue();
        assertThat(cost13.withinWorkLimit(new StoredPassword(HashAlgorithm.BCRYPT, "$2a$16$" + salt))).isFalse();
        // formats without a work factor are always checked
        assertThat(cost4.withinWorkLimit(new StoredPassword(HashAlgorithm.MD5, "8743b52063cd84097a65d1633f5c74f5")))
                .isTrue();
    }

    @Test
    void fastLegacyHashesAndHashesAboveTheCapAlsoCheckTheDecoySoTheTimeTellsNothing() {
        java.util.List<String> checked = new java.util.ArrayList<>();
        SpringBcrypt real = new SpringBcrypt();
        Bcrypt recording = new Bcrypt() {
            @Override
            public boolean matches(byte[] password, String hash) {
                checked.add(hash);
                return real.matches(password, hash);
            }

            @Override
            public String hash(byte[] password, int cost) {
                return real.hash(password, cost);
            }
        };
        PasswordHashing cost5 = new PasswordHashing(recording, 5);
        StoredPassword decoy = cost5.hash("no one's password");
        StoredPassword current = cost5.hash("a password");
        StoredPassword lowCost = new StoredPassword(HashAlgorithm.BCRYPT,
                "$2a$04$" + "LhayLxezLhK1LhWvKxCyLOj0j1u.Kj0jZ0pEmm134uzrQlFvQJLF6");
        StoredPassword md5 = new StoredPassword(HashAlgorithm.MD5, "8743b52063cd84097a65d1633f5c74f5");
        StoredPassword plain = new StoredPassword(HashAlgorithm.PLAINTEXT, "hashcat");
        StoredPassword drupal = new StoredPassword(HashAlgorithm.DRUPAL,
                "$S$C33783772bRXEx1aCsvY.dqgaaSu76XmVlKrW9Qu8IQlvxHlmzLf");
        StoredPassword aboveCap = new StoredPassword(HashAlgorithm.BCRYPT,
                "$2a$20$" + "LhayLxezLhK1LhWvKxCyLOj0j1u.Kj0jZ0pEmm134uzrQlFvQJLF6");

        assertThat(cost5.verifyPadded("a password", current, decoy)).isTrue();
        assertThat(checked).containsExactly(current.hash());
        for (StoredPassword fast : new StoredPassword[] {lowCost, md5, plain, drupal, aboveCap}) {
            boolean expected = fast != aboveCap && cost5.verify("hashcat", fast);
            checked.clear();
            assertThat(cost5.verifyPadded("hashcat", fast, decoy)).as(fast.algorithm().wireName())
                    .isEqualTo(expected);
            assertThat(checked).as(fast.hash()).endsWith(decoy.hash());
            assertThat(checked).as(fast.hash()).doesNotContain(aboveCap.hash());
        }
        assertThat(cost5.verifyPadded("hashcat", md5, decoy)).isTrue();
        assertThat(cost5.verifyPadded("hashcat", plain, decoy)).isTrue();
        assertThat(cost5.verifyPadded("hashcat", drupal, decoy)).isTrue();
    }
}
