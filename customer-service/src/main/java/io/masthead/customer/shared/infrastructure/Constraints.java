package io.masthead.customer.shared.infrastructure;

import io.masthead.platform.web.ProblemException;
import java.util.Map;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Uniqueness lives in the database; this names the field behind each constraint, so a race that
 * slips past the checks still answers 409 naming the field, never 500.
 */
public final class Constraints {

    private static final Map<String, String[]> FIELDS = Map.of(
            "customers_site_email_unique", new String[] {"email", "is already used by another customer of this site"},
            "customers_site_display_name_unique", new String[] {"display_name", "is already used by another customer of this site"},
            "customers_site_old_provider_id_unique", new String[] {"old_provider_id", "is already used by another customer of this site"},
            "customers_site_id_organization_id_fkey", new String[] {"organization_id", "no such organization"},
            "addresses_site_id_customer_id_fkey", new String[] {"customer_id", "no such customer"});

    private Constraints() {
    }

    public static Throwable translate(Throwable error) {
        if (error instanceof DataIntegrityViolationException && error.getMessage() != null) {
            for (var entry : FIELDS.entrySet()) {
                if (error.getMessage().contains(entry.getKey())) {
                    return ProblemException.conflict(entry.getValue()[0], entry.getValue()[1]);
                }
            }
        }
        return error;
    }
}
