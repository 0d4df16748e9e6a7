package io.masthead.customer.organization.model;

import io.masthead.customer.shared.model.ContactRules;
import io.masthead.platform.validation.Metadata;
import io.masthead.platform.validation.Violations;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A business tied to customers (Release 1.54): its name, industry and website. */
public record OrganizationProfile(String name, String industry, String website, Map<String, String> metadata) {

    public static final Set<String> FIELDS = Set.of("name", "industry", "website", "metadata");

    public OrganizationProfile {
        name = ContactRules.clean(name);
        industry = ContactRules.clean(industry);
        website = ContactRules.clean(website);
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    public Violations validate() {
        Violations v = new Violations();
        v.require("name", name);
        v.maxLength("name", name, 200);
        v.maxLength("industry", industry, 100);
        v.checkIfPresent("website", website, OrganizationProfile::isWebUrl, "must be an http or https URL");
        Metadata.validate("metadata", metadata, v);
        return v;
    }

    static boolean isWebUrl(String value) {
        if (value.length() > 2048) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    public OrganizationProfile with(String field, String value) {
        return switch (field) {
            case "name" -> new OrganizationProfile(value, industry, website, metadata);
            case "industry" -> new OrganizationProfile(name, value, website, metadata);
            case "website" -> new OrganizationProfile(name, industry, value, metadata);
            default -> throw new IllegalArgumentException("not a text field: " + field);
        };
    }

    public OrganizationProfile withMetadata(Map<String, String> value) {
        return new OrganizationProfile(name, industry, website, value);
    }
}
