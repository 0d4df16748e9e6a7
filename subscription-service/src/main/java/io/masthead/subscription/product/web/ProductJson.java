package io.masthead.subscription.product.web;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.Patch;
import io.masthead.subscription.product.model.Product;
import io.masthead.subscription.product.model.ProductProfile;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** The product resource as JSON (snake_case), and the bodies that create and change one. */
final class ProductJson {

    private ProductJson() {
    }

    static final String PRODUCT_ID = "prd_01jt3z8x9k2m4n6p8q0r2s4t6v";
    static final String METADATA = "{\"section\": \"print\"}";

    @Schema(name = "CreateProduct", description = "A new product: `name` is required")
    record CreateProduct(
            @Schema(example = "Print & Digital", requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 200)
            String name,
            @Schema(example = "The daily paper at your door and every article online", maxLength = 2000)
            String description,
            @Schema(description = "Whether its subscriptions need a shipping address (print)", defaultValue = "false")
            Boolean addressRequired,
            @Schema(description = "False: archived", defaultValue = "true") Boolean active,
            @Schema(description = "What customers' bank statements show: 5 to 22 printable ASCII characters with a "
                    + "letter, none of < > \\ ' \" *", example = "DAILY PLANET") String statementDescriptor,
            @Schema(description = "An http or https URL", example = "https://dailyplanet.example/img/print.jpg")
            String image,
            @Schema(description = "The product's id in the system it is migrated from (unique within the site)",
                    example = "PR1235") String oldProviderId,
            @Schema(description = "Up to 50 string keys and values", example = METADATA)
            Map<String, String> metadata) {
    }

    @Schema(name = "UpdateProduct",
            description = "A JSON merge patch: the fields to change; null clears one, absent ones are kept")
    record UpdateProduct(
            @Schema(example = "Print & Digital") String name,
            @Schema(example = "The daily paper at your door") String description,
            Boolean addressRequired,
            @Schema(description = "false archives (refused while the product has active plans)") Boolean active,
            @Schema(example = "DAILY PLANET") String statementDescriptor,
            @Schema(example = "https://dailyplanet.example/img/print.jpg") String image,
            @Schema(example = "PR1235") String oldProviderId,
            @Schema(description = "Replaces the whole metadata map", example = METADATA)
            Map<String, String> metadata) {
    }

    @Schema(name = "Product", description = "Something customers subscribe to through one of its plans")
    record ProductResource(
            @Schema(example = PRODUCT_ID) String id,
            @Schema(allowableValues = "product") String object,
            @Schema(example = "Print & Digital") String name,
            @Schema(example = "The daily paper at your door and every article online") String description,
            boolean addressRequired,
            @Schema(description = "False once archived: its plans take no new subscriptions") boolean active,
            @Schema(example = "DAILY PLANET") String statementDescriptor,
            @Schema(example = "https://dailyplanet.example/img/print.jpg") String image,
            @Schema(example = "PR1235") String oldProviderId,
            @Schema(example = METADATA) Map<String, String> metadata,
            @Schema(example = "2026-05-04T09:30:00Z") Instant createdAt,
            @Schema(example = "2026-05-04T09:30:00Z") Instant updatedAt) {

        static ProductResource of(Product p) {
            ProductProfile f = p.profile();
            return new ProductResource(p.id(), "product", f.name(), f.description(), f.isAddressRequired(),
                    f.isActive(), f.statementDescriptor(), f.image(), f.oldProviderId(), f.metadata(), p.createdAt(),
                    p.updatedAt());
        }
    }

    /** Reads a create body or a merge patch onto {@code base} (an empty profile for a create). */
    static ProductProfile read(JsonNode body, ProductProfile base) {
        Patch fields = Patch.of(body, ProductProfile.FIELDS);
        ProductProfile.Builder builder = base.toBuilder();
        for (String field : ProductProfile.FIELDS) {
            if (!fields.has(field)) {
                continue;
            }
            switch (field) {
                case "address_required", "active" -> builder.flag(field, fields.flag(field));
                case "metadata" -> builder.metadata(fields.stringMap(field));
                default -> builder.text(field, fields.text(field));
            }
        }
        fields.throwIfInvalid();
        return builder.build();
    }

    static final ProductProfile EMPTY = new ProductProfile(null, null, null, null, null, null, null, null);

    static final String[] CSV_HEADER = {"id", "name", "description", "address_required", "active",
        "statement_descriptor", "image", "old_provider_id", "metadata", "created_at", "updated_at"};

    static Object[] csvRow(Product p) {
        ProductProfile f = p.profile();
        return new Object[] {p.id(), f.name(), f.description(), f.isAddressRequired(), f.isActive(),
            f.statementDescriptor(), f.image(), f.oldProviderId(), Rows.json(f.metadata()).asString(), p.createdAt(),
            p.updatedAt()};
    }
}
