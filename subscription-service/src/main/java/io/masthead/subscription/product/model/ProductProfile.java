package io.masthead.subscription.product.model;

import io.masthead.platform.validation.Metadata;
import io.masthead.platform.validation.Violations;
import io.masthead.subscription.shared.model.Texts;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a product is, as the migration guide's product table describes it (seed 004), with
 * {@code old_provider_id} (Release 1.54): the product's id in the system it is migrated from.
 */
public record ProductProfile(String name, String description, Boolean addressRequired, Boolean active,
        String statementDescriptor, String image, String oldProviderId, Map<String, String> metadata) {

    public static final Set<String> FIELDS = Set.of("name", "description", "address_required", "active",
            "statement_descriptor", "image", "old_provider_id", "metadata");

    /** Card networks print at most 22 characters, and not these. */
    public static final int MAX_STATEMENT_DESCRIPTOR = 22;
    private static final Pattern STATEMENT_FORBIDDEN = Pattern.compile("[<>\\\\'\"*]");

    public ProductProfile {
        name = Texts.clean(name);
        description = Texts.clean(description);
        statementDescriptor = Texts.clean(statementDescriptor);
        image = Texts.clean(image);
        oldProviderId = Texts.clean(oldProviderId);
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The profile of a new product: what the client left out takes the guide's usual value. */
    public ProductProfile withDefaults() {
        return new ProductProfile(name, description, addressRequired == null ? Boolean.FALSE : addressRequired,
                active == null ? Boolean.TRUE : active, statementDescriptor, image, oldProviderId, metadata);
    }

    /** Every broken rule, named by JSON field. */
    public Violations validate() {
        Violations v = new Violations();
        v.require("name", name);
        v.maxLength("name", name, 200);
        v.maxLength("description", description, 2_000);
        v.require("address_required", addressRequired);
        v.require("active", active);
        if (statementDescriptor != null) {
            if (statementDescriptor.length() < 5 || statementDescriptor.length() > MAX_STATEMENT_DESCRIPTOR) {
                v.add("statement_descriptor", "must be 5 to " + MAX_STATEMENT_DESCRIPTOR + " characters");
            } else if (STATEMENT_FORBIDDEN.matcher(statementDescriptor).find()
                    || statementDescriptor.chars().noneMatch(Character::isLetter)
                    || !statementDescriptor.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                v.add("statement_descriptor", "must be printable ASCII with at least one letter and none of < > \\ ' \" *");
            }
        }
        v.checkIfPresent("image", image, ProductProfile::isImageUrl, "must be an http or https URL");
        v.maxLength("old_provider_id", oldProviderId, 255);
        Metadata.validate("metadata", metadata, v);
        return v;
    }

    static boolean isImageUrl(String value) {
        if (value.length() > 2048) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    public boolean isActive() {
        return Boolean.TRUE.equals(active);
    }

    public boolean isAddressRequired() {
        return Boolean.TRUE.equals(addressRequired);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some fields (a merge patch); unset fields keep their value. */
    public static final class Builder {
        private String name;
        private String description;
        private Boolean addressRequired;
        private Boolean active;
        private String statementDescriptor;
        private String image;
        private String oldProviderId;
        private Map<String, String> metadata;

        private Builder(ProductProfile p) {
            name = p.name;
            description = p.description;
            addressRequired = p.addressRequired;
            active = p.active;
            statementDescriptor = p.statementDescriptor;
            image = p.image;
            oldProviderId = p.oldProviderId;
            metadata = p.metadata;
        }

        public Builder text(String field, String value) {
            switch (field) {
                case "name" -> name = value;
                case "description" -> description = value;
                case "statement_descriptor" -> statementDescriptor = value;
                case "image" -> image = value;
                case "old_provider_id" -> oldProviderId = value;
                default -> throw new IllegalArgumentException("not a text field: " + field);
            }
            return this;
        }

        public Builder flag(String field, Boolean value) {
            switch (field) {
                case "address_required" -> addressRequired = value;
                case "active" -> active = value;
                default -> throw new IllegalArgumentException("not a boolean field: " + field);
            }
            return this;
        }

        public Builder metadata(Map<String, String> value) {
            metadata = value;
            return this;
        }

        public ProductProfile build() {
            return new ProductProfile(name, description, addressRequired, active, statementDescriptor, image,
                    oldProviderId, metadata);
        }
    }
}
