package io.masthead.customer.customer.model;

import io.masthead.customer.shared.model.ContactRules;
import io.masthead.platform.validation.Metadata;
import io.masthead.platform.validation.Violations;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a customer is, as the migration guide's customer table describes it: every field optional
 * (imports without an email are allowed since Release 1.54), each with its rule.
 */
public record CustomerProfile(String oldProviderId, String email, String firstName, String lastName, String phone,
        String title, String salutation, String displayName, String organizationId, Map<String, String> metadata) {

    public static final Set<String> FIELDS = Set.of("old_provider_id", "email", "first_name", "last_name", "phone",
            "title", "salutation", "display_name", "organization_id", "metadata");

    public CustomerProfile {
        oldProviderId = ContactRules.clean(oldProviderId);
        email = ContactRules.clean(email);
        firstName = ContactRules.clean(firstName);
        lastName = ContactRules.clean(lastName);
        phone = ContactRules.clean(phone);
        title = ContactRules.clean(title);
        salutation = ContactRules.clean(salutation);
        displayName = ContactRules.clean(displayName);
        organizationId = ContactRules.clean(organizationId);
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Every broken rule, named by JSON field. */
    public Violations validate() {
        Violations v = new Violations();
        v.maxLength("old_provider_id", oldProviderId, 255);
        v.checkIfPresent("email", email, ContactRules::isEmail, "must be a valid email address");
        v.maxLength("first_name", firstName, 100);
        v.maxLength("last_name", lastName, 100);
        v.maxLength("phone", phone, ContactRules.MAX_PHONE_LENGTH);
        v.checkIfPresent("phone", phone, ContactRules::isPhone,
                "must contain only digits and + . - ( ) separators, with at most 20 digits");
        v.maxLength("title", title, 100);
        v.maxLength("salutation", salutation, 20);
        v.maxLength("display_name", displayName, 100);
        v.maxLength("organization_id", organizationId, 64);
        Metadata.validate("metadata", metadata, v);
        return v;
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some fields of a profile (a merge patch); unset fields keep their value. */
    public static final class Builder {
        private String oldProviderId;
        private String email;
        private String firstName;
        private String lastName;
        private String phone;
        private String title;
        private String salutation;
        private String displayName;
        private String organizationId;
        private Map<String, String> metadata;

        private Builder(CustomerProfile p) {
            oldProviderId = p.oldProviderId;
            email = p.email;
            firstName = p.firstName;
            lastName = p.lastName;
            phone = p.phone;
            title = p.title;
            salutation = p.salutation;
            displayName = p.displayName;
            organizationId = p.organizationId;
            metadata = p.metadata;
        }

        public Builder set(String field, String value) {
            switch (field) {
                case "old_provider_id" -> oldProviderId = value;
                case "email" -> email = value;
                case "first_name" -> firstName = value;
                case "last_name" -> lastName = value;
                case "phone" -> phone = value;
                case "title" -> title = value;
                case "salutation" -> salutation = value;
                case "display_name" -> displayName = value;
                case "organization_id" -> organizationId = value;
                default -> throw new IllegalArgumentException("not a text field: " + field);
            }
            return this;
        }

        public Builder metadata(Map<String, String> value) {
            metadata = value;
            return this;
        }

        public CustomerProfile build() {
            return new CustomerProfile(oldProviderId, email, firstName, lastName, phone, title, salutation,
                    displayName, organizationId, metadata);
        }
    }
}
