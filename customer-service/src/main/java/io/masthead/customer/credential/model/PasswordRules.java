package io.masthead.customer.credential.model;

import io.masthead.platform.validation.Violations;
import java.util.Locale;

/**
 * What a new password must be (NIST SP 800-63B: length over composition rules): 8 to 128 characters, not
 * only blanks, and not the customer's own email address. Every broken rule names the field {@code password}.
 */
public final class PasswordRules {

    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;
    public static final String FIELD = "password";

    private PasswordRules() {
    }

    public static Violations check(String password, String email) {
        Violations v = new Violations();
        if (password == null) {
            return v.add(FIELD, "is required");
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            v.add(FIELD, "must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters");
        } else if (password.isBlank()) {
            v.add(FIELD, "must not be only blanks");
        } else if (email != null && password.strip().toLowerCase(Locale.ROOT).equals(email.toLowerCase(Locale.ROOT))) {
            v.add(FIELD, "must not be the customer's email address");
        }
        return v;
    }
}
