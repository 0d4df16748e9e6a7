package io.masthead.subscription.entitlement.model;

import io.masthead.platform.validation.Violations;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rule for lists of entitlement names, the same for a plan's {@code entitlements} and a site's
 * {@code free_tier}: at most {@value #MAX} distinct names of 1 to 100 letters, digits, {@code _ . : -}, starting with
 * a letter or digit.
 */
public final class EntitlementNames {

    public static final int MAX = 50;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:\\-]{0,99}");

    private EntitlementNames() {
    }

    /** Records a violation on {@code field} (a bad item on {@code field.i}) for each rule {@code names} breaks. */
    public static void validate(String field, List<String> names, Violations v) {
        if (names.size() > MAX) {
            v.add(field, "must have at most " + MAX + " names");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || !NAME.matcher(name).matches()) {
                v.add(field + "." + i, "must be 1 to 100 letters, digits, _ . : or -, starting with a letter or digit");
            } else if (!seen.add(name)) {
                v.add(field + "." + i, "is listed twice");
            }
        }
    }
}
