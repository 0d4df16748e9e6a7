package io.masthead.platform.validation;

/**
 * The one normalisation of an email address by which customers are looked up at login and by which failed logins
 * are counted (so that the rate limit's subject and the lookup agree on which spellings are the same address):
 * surrounding white space removed and the ASCII letters A-Z lower-cased; nothing else changes (no Unicode case
 * folding, which differs between Java, PostgreSQL collations and mail systems). customer-service stores it beside
 * the email ({@code customers.email_key}) and compares it exactly, never with the database's {@code lower()}.
 */
public final class Emails {

    private Emails() {
    }

    /** The normalised address, or null for null. */
    public static String normalized(String email) {
        if (email == null) {
            return null;
        }
        String stripped = email.strip();
        StringBuilder out = new StringBuilder(stripped.length());
        for (int i = 0; i < stripped.length(); i++) {
            char c = stripped.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }
}
