package io.masthead.customer.address.model;

import io.masthead.customer.shared.model.ContactRules;
import io.masthead.customer.shared.model.Countries;
import io.masthead.platform.validation.Violations;
import java.util.Locale;
import java.util.Set;

/**
 * The contents of an address. Since Release 1.54 first and last name, city, state and postal code may
 * be null (imports with incomplete details); line 1 and an ISO 3166 alpha-2 country are required, and
 * US and Canadian states, when given, are 2-letter codes.
 */
public record AddressDetails(String type, String firstName, String lastName, String salutation, String title,
        String company, String department, String line1, String line2, String city, String state,
        String postalCode, String country, String phone) {

    public static final Set<String> FIELDS = Set.of("type", "first_name", "last_name", "salutation", "title",
            "company", "department", "line1", "line2", "city", "state", "postal_code", "country", "phone");
    /** Fields that can be changed after creation (the type and owner of an address are fixed). */
    public static final Set<String> MUTABLE_FIELDS = FIELDS.stream().filter(f -> !f.equals("type"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    public AddressDetails {
        type = ContactRules.clean(type);
        firstName = ContactRules.clean(firstName);
        lastName = ContactRules.clean(lastName);
        salutation = ContactRules.clean(salutation);
        title = ContactRules.clean(title);
        company = ContactRules.clean(company);
        department = ContactRules.clean(department);
        line1 = ContactRules.clean(line1);
        line2 = ContactRules.clean(line2);
        city = ContactRules.clean(city);
        state = upper(ContactRules.clean(state));
        postalCode = ContactRules.clean(postalCode);
        country = upper(ContactRules.clean(country));
        phone = ContactRules.clean(phone);
    }

    public Violations validate() {
        Violations v = new Violations();
        v.require("type", type);
        v.checkIfPresent("type", type, t -> AddressType.parse(t) != null, "must be billing or shipping");
        v.maxLength("first_name", firstName, 100);
        v.maxLength("last_name", lastName, 100);
        v.maxLength("salutation", salutation, 20);
        v.maxLength("title", title, 100);
        v.maxLength("company", company, 200);
        v.maxLength("department", department, 200);
        v.require("line1", line1);
        v.maxLength("line1", line1, 200);
        v.maxLength("line2", line2, 200);
        v.maxLength("city", city, 100);
        v.maxLength("postal_code", postalCode, 20);
        v.require("country", country);
        v.checkIfPresent("country", country, Countries::isCountry, "must be an ISO 3166-1 alpha-2 country code");
        if (country != null && Countries.requiresStateCode(country)) {
            v.checkIfPresent("state", state, s -> Countries.isStateOf(country, s),
                    "must be a 2-letter " + ("US".equals(country) ? "US state" : "Canadian province") + " code");
        } else {
            v.maxLength("state", state, 100);
        }
        v.maxLength("phone", phone, ContactRules.MAX_PHONE_LENGTH);
        v.checkIfPresent("phone", phone, ContactRules::isPhone,
                "must contain only digits and + . - ( ) separators, with at most 20 digits");
        return v;
    }

    public AddressDetails with(String field, String value) {
        return switch (field) {
            case "type" -> new AddressDetails(value, firstName, lastName, salutation, title, company, department, line1, line2, city, state, postalCode, country, phone);
            case "first_name" -> new AddressDetails(type, value, lastName, salutation, title, company, department, line1, line2, city, state, postalCode, country, phone);
            case "last_name" -> new AddressDetails(type, firstName, value, salutation, title, company, department, line1, line2, city, state, postalCode, country, phone);
            case "salutation" -> new AddressDetails(type, firstName, lastName, value, title, company, department, line1, line2, city, state, postalCode, country, phone);
            case "title" -> new AddressDetails(type, firstName, lastName, salutation, value, company, department, line1, line2, city, state, postalCode, country, phone);
            case "company" -> new AddressDetails(type, firstName, lastName, salutation, title, value, department, line1, line2, city, state, postalCode, country, phone);
            case "department" -> new AddressDetails(type, firstName, lastName, salutation, title, company, value, line1, line2, city, state, postalCode, country, phone);
            case "line1" -> new AddressDetails(type, firstName, lastName, salutation, title, company, department, value, line2, city, state, postalCode, country, phone);
            case "line2" -> new AddressDetails(type, firstName, lastName, salutation, title, company, department, line1, value, city, state, postalCode, country, phone);
            case "city" -> new AddressDetails(type, firstName, lastName, salutation, title, company, department, line1, line2, value, state, postalCode, country, phone);
            case "state" -> new AddressDetails(type, firstName, lastName, salutation, title, company, department, line1, line2, city, value, postalCode, country, phone);
            case "postal_code" -> new AddressDetails(type, firstName, lastName, salutation, title, company, department, line1, line2, city, state, value, country, phone);
            case "country" -> new AddressDetails(type, firstName, lastName, salutation, title, company, department, line1, line2, city, state, postalCode, value, phone);
            case "phone" -> new AddressDetails(type, firstName, lastName, salutation, title, company, department, line1, line2, city, state, postalCode, country, value);
            default -> throw new IllegalArgumentException("not an address field: " + field);
        };
    }

    private static String upper(String value) {
        return value == null ? null : value.toUpperCase(Locale.ROOT);
    }
}
