package io.masthead.subscription.plan.web;

import io.masthead.platform.r2dbc.Rows;
import io.masthead.platform.web.Patch;
import io.masthead.subscription.plan.model.Plan;
import io.masthead.subscription.plan.model.PlanTerms;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** The plan resource as JSON (snake_case), and the bodies that create and change one. */
final class PlanJson {

    private PlanJson() {
    }

    static final String PLAN_ID = "pln_01jt3z8x9k2m4n6p8q0r2s4t6v";
    static final String PRODUCT_ID = "prd_01jt3z8x9k2m4n6p8q0r2s4t6v";
    static final String METADATA = "{\"account_name\": \"abcd\"}";
    static final String INTERVALS = "day, week, month, year";

    /** The fields of a create body: the terms and the product. */
    static final Set<String> CREATE_FIELDS = with(PlanTerms.FIELDS, "product");

    @Schema(name = "CreatePlan", description = "A new plan of a product: `product`, `nickname`, `amount`, "
            + "`currency` and `interval` are required")
    record CreatePlan(
            @Schema(description = "The id of its product (fixed for the plan's life)", example = PRODUCT_ID,
                    requiredMode = Schema.RequiredMode.REQUIRED) String product,
            @Schema(example = "Monthly", requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 200)
            String nickname,
            @Schema(example = "Print and digital, billed monthly", maxLength = 2000) String description,
            @Schema(description = "The price per billing cycle in minor units (cents)", example = "1900",
                    minimum = "0", maximum = "99999999999", requiredMode = Schema.RequiredMode.REQUIRED) Long amount,
            @Schema(description = "Lower-case ISO 4217 code", example = "usd", pattern = "^[a-z]{3}$",
                    requiredMode = Schema.RequiredMode.REQUIRED) String currency,
            @Schema(allowableValues = {"day", "week", "month", "year"}, requiredMode = Schema.RequiredMode.REQUIRED)
            String interval,
            @Schema(description = "The billing cycle is interval_count intervals (at most three years)",
                    defaultValue = "1", minimum = "1", example = "1") Integer intervalCount,
            @Schema(description = "False: a one-time term that expires at its end", defaultValue = "true")
            Boolean autoRenew,
            @Schema(description = "Whether the site offers it online", defaultValue = "true") Boolean availableOnline,
            @Schema(description = "Shipments per billing cycle (0 for digital plans)", defaultValue = "0",
                    minimum = "0", maximum = "1000", example = "1") Integer shipmentsPerInterval,
            @Schema(allowableValues = {"regular", "membership", "donation"}, defaultValue = "regular") String type,
            @Schema(description = "shipment_based needs shipments_per_interval of at least 1",
                    allowableValues = {"time_based", "shipment_based"}, defaultValue = "time_based")
            String revenueRecognitionType,
            @ArraySchema(arraySchema = @Schema(description = "The entitlements a subscriber gets (up to 50 names)"),
                    schema = @Schema(example = "digital_access", pattern = "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$"))
            List<String> entitlements,
            @Schema(description = "The default trial of its subscriptions, in days (0 to 730)", example = "14")
            Integer trialPeriodDays,
            @Schema(description = "Its id (rate code) in the system it is migrated from; unique within the site",
                    example = "1234") String oldId,
            @Schema(description = "False: it takes no new subscriptions", defaultValue = "true") Boolean active,
            @Schema(description = "Up to 50 string keys and values", example = METADATA)
            Map<String, String> metadata) {
    }

    @Schema(name = "UpdatePlan", description = "A JSON merge patch: the fields to change; null clears one, absent "
            + "ones are kept. amount, currency, interval and interval_count are fixed once a subscription uses the "
            + "plan (create a new plan instead)")
    record UpdatePlan(
            @Schema(example = "Monthly") String nickname,
            @Schema(example = "Print and digital, billed monthly") String description,
            @Schema(example = "2100") Long amount,
            @Schema(example = "usd") String currency,
            @Schema(allowableValues = {"day", "week", "month", "year"}) String interval,
            @Schema(example = "1") Integer intervalCount,
            Boolean autoRenew,
            Boolean availableOnline,
            @Schema(example = "1") Integer shipmentsPerInterval,
            @Schema(allowableValues = {"regular", "membership", "donation"}) String type,
            @Schema(allowableValues = {"time_based", "shipment_based"}) String revenueRecognitionType,
            @ArraySchema(schema = @Schema(example = "digital_access")) List<String> entitlements,
            @Schema(example = "14") Integer trialPeriodDays,
            @Schema(example = "1234") String oldId,
            @Schema(description = "false deactivates; true is refused while the product is archived") Boolean active,
            @Schema(description = "Replaces the whole metadata map", example = METADATA)
            Map<String, String> metadata) {
    }

    @Schema(name = "Plan", description = "A pricing plan of a product: price, billing cycle, renewal, shipments")
    record PlanResource(
            @Schema(example = PLAN_ID) String id,
            @Schema(allowableValues = "plan") String object,
            @Schema(description = "The id of its product", example = PRODUCT_ID) String product,
            @Schema(example = "Monthly") String nickname,
            @Schema(example = "Print and digital, billed monthly") String description,
            @Schema(description = "Minor units of currency", example = "1900") long amount,
            @Schema(example = "usd") String currency,
            @Schema(allowableValues = {"day", "week", "month", "year"}) String interval,
            @Schema(example = "1") int intervalCount,
            boolean autoRenew,
            boolean availableOnline,
            @Schema(example = "1") int shipmentsPerInterval,
            @Schema(allowableValues = {"regular", "membership", "donation"}) String type,
            @Schema(allowableValues = {"time_based", "shipment_based"}) String revenueRecognitionType,
            @ArraySchema(schema = @Schema(example = "digital_access")) List<String> entitlements,
            @Schema(example = "14") Integer trialPeriodDays,
            @Schema(example = "1234") String oldId,
            boolean active,
            @Schema(example = METADATA) Map<String, String> metadata,
            @Schema(example = "2026-05-04T09:30:00Z") Instant createdAt,
            @Schema(example = "2026-05-04T09:30:00Z") Instant updatedAt) {

        static PlanResource of(Plan p) {
            PlanTerms t = p.terms();
            return new PlanResource(p.id(), "plan", p.productId(), t.nickname(), t.description(), t.amount(),
                    t.currency(), t.interval(), t.intervalCount(), t.autoRenew(), t.availableOnline(),
                    t.shipmentsPerInterval(), t.type(), t.revenueRecognitionType(), t.entitlements(),
                    t.trialPeriodDays(), t.oldId(), t.isActive(), t.metadata(), p.createdAt(), p.updatedAt());
        }
    }

    static final PlanTerms EMPTY = new PlanTerms(null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null);

    /** Reads the terms of a create body or a merge patch onto {@code base}, with the body's allowed fields. */
    static PlanTerms read(JsonNode body, Set<String> allowed, PlanTerms base) {
        Patch fields = Patch.of(body, allowed);
        PlanTerms.Builder builder = base.toBuilder();
        for (String field : PlanTerms.FIELDS) {
            if (!fields.has(field)) {
                continue;
            }
            switch (field) {
                case "amount" -> builder.amount(fields.whole(field));
                case "interval_count", "shipments_per_interval", "trial_period_days" ->
                        builder.integer(field, fields.integer(field));
                case "auto_renew", "available_online", "active" -> builder.flag(field, fields.flag(field));
                case "entitlements" -> builder.entitlements(fields.strings(field));
                case "metadata" -> builder.metadata(fields.stringMap(field));
                default -> builder.text(field, fields.text(field));
            }
        }
        fields.throwIfInvalid();
        return builder.build();
    }

    /** The product of a create body (a string), read with the same type rule. */
    static String product(JsonNode body) {
        Patch fields = Patch.of(body, CREATE_FIELDS);
        String product = fields.text("product");
        fields.throwIfInvalid();
        return product;
    }

    private static Set<String> with(Set<String> fields, String extra) {
        Set<String> all = new HashSet<>(fields);
        all.add(extra);
        return Set.copyOf(all);
    }

    static final String[] CSV_HEADER = {"id", "product", "nickname", "description", "amount", "currency", "interval",
        "interval_count", "auto_renew", "available_online", "shipments_per_interval", "type",
        "revenue_recognition_type", "entitlements", "trial_period_days", "old_id", "active", "metadata", "created_at",
        "updated_at"};

    /** One line of plans.csv; entitlements comma-separated as the migration template writes them. */
    static Object[] csvRow(Plan p) {
        PlanTerms t = p.terms();
        return new Object[] {p.id(), p.productId(), t.nickname(), t.description(), t.amount(), t.currency(),
            t.interval(), t.intervalCount(), t.autoRenew(), t.availableOnline(), t.shipmentsPerInterval(), t.type(),
            t.revenueRecognitionType(), String.join(",", t.entitlements()), t.trialPeriodDays(), t.oldId(),
            t.isActive(), Rows.json(t.metadata()).asString(), p.createdAt(), p.updatedAt()};
    }
}
