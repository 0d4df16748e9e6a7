package io.masthead.subscription.shared.infrastructure;

import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.web.ProblemException;
import java.util.Map;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Uniqueness lives in the database; this names the field behind each constraint of the catalog, so a race that
 * slips past the checks still answers a problem naming the field, never 500.
 */
public final class CatalogConstraints {

    private static final Map<String, String[]> CONFLICTS = Map.of(
            "products_site_old_provider_id_unique", new String[] {"old_provider_id",
                "is already used by another product of this site"},
            "plans_site_old_id_unique", new String[] {"old_id", "is already used by another plan of this site"});

    private CatalogConstraints() {
    }

    public static Throwable translate(Throwable error) {
        if (error instanceof DataIntegrityViolationException && error.getMessage() != null) {
            for (var entry : CONFLICTS.entrySet()) {
                if (error.getMessage().contains(entry.getKey())) {
                    return ProblemException.conflict(entry.getValue()[0], entry.getValue()[1]);
                }
            }
            if (error.getMessage().contains("plans_site_id_product_id_fkey")) {
                return ValidationException.of("product", "no such product");
            }
        }
        return error;
    }
}
