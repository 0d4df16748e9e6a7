package io.masthead.test.spring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;

import io.masthead.platform.security.Caller;
import io.masthead.platform.security.InternalTokenIssuer;
import io.masthead.platform.security.PemKeys;

/**
 * Internal JWTs as the gateway mints them, signed with one key pair per JVM whose public key is what
 * {@link MastheadIntegrationTest} services verify ({@code masthead.security.jwt.public-key-location}).
 * Tokens are returned without the {@code Bearer } prefix; they are for test mode ({@code livemode=false}).
 */
public final class TestTokens {

    private static final Duration TTL = Duration.ofHours(1);

    private TestTokens() {
    }

    /** A site admin (what a secret API key acts as). */
    public static String admin(String siteId) {
        return mint(Caller.admin(siteId, false));
    }

    /** One end customer of a site. */
    public static String customer(String siteId, String customerId) {
        return mint(Caller.customer(siteId, customerId, false));
    }

    public static String mint(Caller caller) {
        return Keys.ISSUER.mint(caller);
    }

    /** The PEM public key file. */
    public static Path publicKeyFile() {
        return Keys.PUBLIC_KEY_FILE;
    }

    /** {@code file:} URL of the PEM public key, for {@code masthead.security.jwt.public-key-location}. */
    public static String publicKeyLocation() {
        return Keys.PUBLIC_KEY_FILE.toUri().toString();
    }

    private static final class Keys {
        static final Path PUBLIC_KEY_FILE;
        static final InternalTokenIssuer ISSUER;

        static {
            KeyPair pair = PemKeys.generateRsa();
            try {
                Path directory = Files.createTempDirectory("masthead-test-jwt-");
                PUBLIC_KEY_FILE = directory.resolve("public.pem");
                directory.toFile().deleteOnExit(); // runs after the file's (reverse order of registration)
                PemKeys.writePublic(PUBLIC_KEY_FILE, pair.getPublic());
                PUBLIC_KEY_FILE.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            ISSUER = new InternalTokenIssuer((RSAPrivateKey) pair.getPrivate(), Clock.systemUTC(), TTL);
        }
    }
}
