package io.masthead.customer.credential.infrastructure;

import io.masthead.customer.credential.model.Bcrypt;
import java.security.SecureRandom;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * bcrypt from Spring Security's crypto module. It checks {@code $2a$}, {@code $2b$} and {@code $2y$} hashes (PHP
 * writes {@code $2y$}; the three differ only in how old implementations handled bugs the others never had), reading
 * at most 72 bytes of the password as every bcrypt does.
 */
public final class SpringBcrypt implements Bcrypt {

    private final SecureRandom random = new SecureRandom();

    @Override
    public boolean matches(byte[] password, String hash) {
        try {
            return BCrypt.checkpw(password, hash);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    @Override
    public String hash(byte[] password, int cost) {
        return BCrypt.hashpw(password, BCrypt.gensalt("$2a", cost, random));
    }
}
