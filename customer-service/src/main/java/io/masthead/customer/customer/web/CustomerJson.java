package io.masthead.customer.customer.web;

import io.masthead.customer.customer.model.Customer;
import io.masthead.customer.customer.model.CustomerProfile;
import java.time.Instant;
import java.util.Map;

/** The customer resource as JSON (snake_case), and the body that creates one. */
final class CustomerJson {

    private CustomerJson() {
    }

    record CreateCustomer(String oldProviderId, String email, String firstName, String lastName, String phone,
            String title, String salutation, String displayName, String organizationId, Map<String, String> metadata) {

        CustomerProfile toProfile() {
            return new CustomerProfile(oldProviderId, email, firstName, lastName, phone, title, salutation,
                    displayName, organizationId, metadata);
        }
    }

    record CustomerResource(String id, String object, String oldProviderId, String email, String firstName,
            String lastName, String phone, String title, String salutation, String displayName,
            String organizationId, Map<String, String> metadata, Instant createdAt, Instant updatedAt) {

        static CustomerResource of(Customer c) {
            CustomerProfile p = c.profile();
            return new CustomerResource(c.id(), "customer", p.oldProviderId(), p.email(), p.firstName(),
                    p.lastName(), p.phone(), p.title(), p.salutation(), p.displayName(), p.organizationId(),
                    p.metadata(), c.createdAt(), c.updatedAt());
        }
    }

    static final String[] CSV_HEADER = {"id", "old_provider_id", "email", "first_name", "last_name", "phone", "title",
        "salutation", "display_name", "organization_id", "metadata", "created_at", "updated_at"};

    static Object[] csvRow(Customer c) {
        CustomerProfile p = c.profile();
        return new Object[] {c.id(), p.oldProviderId(), p.email(), p.firstName(), p.lastName(), p.phone(), p.title(),
            p.salutation(), p.displayName(), p.organizationId(), io.masthead.platform.r2dbc.Rows.json(p.metadata()).asString(),
            c.createdAt(), c.updatedAt()};
    }
}
