package io.masthead.customer.shared.model;

import java.util.regex.Pattern;

/** The rules for emails and phone numbers, shared by customers and addresses (migration guide, 004). */
public final class ContactRules {

    public static final int MAX_EMAIL_LENGTH = 254;
    public static final int MAX_PHONE_DIGITS = 20;
    /** Digits and separators together, e.g. {@code +1 (514) 123-4567}. */
    public static final int MAX_PHONE_LENGTH = 40;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$");
    /** Digits with the separators the guide's examples use: {@code +1.514.123.4567}, {@code (514)1234567}. */
    private static final Pattern PHONE = Pattern.compile("^\\+?[0-9().\\- ]+$");

    private ContactRules() {
    }

    public static boolean isEmail(String value) {
        return value.length() <= MAX_EMAIL_LENGTH && EMAIL.matcher(value).matches();
    }

    /** No letters; a leading {@code +} only; at least one and at most 20 digits. */
    public static boolean isPhone(String value) {
        if (!PHONE.matcher(value).matches()) {
            return false;
        }
        long digits = value.chars().filter(Character::isDigit).count();
        return digits >= 1 && digits <= MAX_PHONE_DIGITS;
    }

    /** Blank text means "no value" (imports often carry empty cells). */
    public static String clean(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }
}
