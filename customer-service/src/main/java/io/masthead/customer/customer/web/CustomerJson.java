package io.masthead.customer.customer.web;

import io.masthead.customer.customer.model.Customer;
import io.masthead.customer.customer.model.CustomerProfile;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/** The customer resource as JSON (snake_case), and the body that creates one. */
final class CustomerJson {

    private CustomerJson() {
    }

    @Schema(description = "A new customer: every field is optional")
    record CreateCustomer(
            @Schema(description = "The customer's id in the system it was migrated from", example = "legacy-48213")
            String oldProviderId,
            @Schema(example = "perry@dailyplanet.example") String email,
            @Schema(example = "Perry") String firstName,
            @Schema(example = "White") String lastName,
            @Schema(example = "+1-514-123-4567") String phone,
            @Schema(example = "Editor-in-chief") String title,
            @Schema(example = "Mr") String salutation,
            @Schema(description = "Unique within the site", example = "perrywhite") String displayName,
            @Schema(example = ORGANIZATION_ID) String organizationId,
            @Schema(description = "Up to 50 string keys and values", example = METADATA) Map<String, String> metadata) {

        CustomerProfile toProfile() {
            return new CustomerProfile(oldProviderId, email, firstName, lastName, phone, title, salutation,
                    displayName, organizationId, metadata);
        }
    }

    /** Documents the body of an update, which is read as a JSON merge patch (see the controller). */
    @Schema(description = "A JSON merge patch: the fields to change; null clears one, absent ones are kept")
    record UpdateCustomer(
            @Schema(example = "legacy-48213") String oldProviderId,
            @Schema(example = "perry.white@dailyplanet.example") String email,
            @Schema(example = "Perry") String firstName,
            @Schema(example = "White") String lastName,
            @Schema(example = "+1-514-123-4567") String phone,
            @Schema(example = "Editor-in-chief") String title,
            @Schema(example = "Mr") String salutation,
            @Schema(example = "perrywhite") String displayName,
            @Schema(example = ORGANIZATION_ID) String organizationId,
            @Schema(description = "Replaces the whole metadata map", example = METADATA) Map<String, String> metadata) {
    }

    @Schema(name = "Customer", description = "An end customer of a site")
    record CustomerResource(
            @Schema(example = CUSTOMER_ID) String id,
            @Schema(allowableValues = "customer") String object,
            @Schema(example = "legacy-48213") String oldProviderId,
            @Schema(example = "perry@dailyplanet.example") String email,
            @Schema(example = "Perry") String firstName,
            @Schema(example = "White") String lastName,
            @Schema(example = "+1-514-123-4567") String phone,
            @Schema(example = "Editor-in-chief") String title,
            @Schema(example = "Mr") String salutation,
            @Schema(example = "perrywhite") String displayName,
            @Schema(example = ORGANIZATION_ID) String organizationId,
            @Schema(example = METADATA) Map<String, String> metadata,
            @Schema(example = "2026-05-04T09:30:00Z") Instant createdAt,
            @Schema(example = "2026-05-04T09:30:00Z") Instant updatedAt) {

        static CustomerResource of(Customer c) {
            CustomerProfile p = c.profile();
            return new CustomerResource(c.id(), "customer", p.oldProviderId(), p.email(), p.firstName(),
                    p.lastName(), p.phone(), p.title(), p.salutation(), p.displayName(), p.organizationId(),
                    p.metadata(), c.createdAt(), c.updatedAt());
        }
    }

    static final String CUSTOMER_ID = "cus_01jt3z8x9k2m4n6p8q0r2s4t6v";
    static final String ORGANIZATION_ID = "org_01jt3z8x9k2m4n6p8q0r2s4t6w";
    static final String METADATA = "{\"crm_id\": \"A-1093\"}";

    static final String[] CSV_HEADER = {"id", "old_provider_id", "email", "first_name", "last_name", "phone", "title",
        "salutation", "display_name", "organization_id", "metadata", "created_at", "updated_at"};

    static Object[] csvRow(Customer c) {
        CustomerProfile p = c.profile();
        return new Object[] {c.id(), p.oldProviderId(), p.email(), p.firstName(), p.lastName(), p.phone(), p.title(),
            p.salutation(), p.displayName(), p.organizationId(), io.masthead.platform.r2dbc.Rows.json(p.metadata()).asString(),
            c.createdAt(), c.updatedAt()};
    }
}
