package io.masthead.subscription.plan.model;

import io.masthead.platform.validation.Metadata;
import io.masthead.platform.validation.Violations;
import io.masthead.subscription.entitlement.model.EntitlementNames;
import io.masthead.subscription.shared.model.Texts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Currency;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a plan offers, as the migration guide's plan table describes it (seed 004): a price in minor units of a
 * currency, a billing cycle ({@code interval_count} times {@code interval}), renewal, shipments, type, revenue
 * recognition, entitlements and an optional trial. Values are as the API states them; {@link #validate()} names
 * every broken rule by its JSON field.
 */
public record PlanTerms(String nickname, String description, Long amount, String currency, String interval,
        Integer intervalCount, Boolean autoRenew, Boolean availableOnline, Integer shipmentsPerInterval, String type,
        String revenueRecognitionType, List<String> entitlements, Integer trialPeriodDays, String oldId,
        Boolean active, Map<String, String> metadata) {

    /** The fields a client can set (the product is chosen once, at creation). */
    public static final Set<String> FIELDS = Set.of("nickname", "description", "amount", "currency", "interval",
            "interval_count", "auto_renew", "available_online", "shipments_per_interval", "type",
            "revenue_recognition_type", "entitlements", "trial_period_days", "old_id", "active", "metadata");

    /**
     * The price and the billing cycle: fixed once a subscription uses the plan, because subscriptions already
     * sold were sold at them (to change them, create a new plan).
     */
    public static final List<String> FIXED_ONCE_USED = List.of("amount", "currency", "interval", "interval_count");

    public static final long MAX_AMOUNT = 99_999_999_999L;
    public static final int MAX_SHIPMENTS_PER_INTERVAL = 1_000;
    public static final int MAX_TRIAL_PERIOD_DAYS = 730;
    public static final int MAX_ENTITLEMENTS = EntitlementNames.MAX;
    private static final Pattern LOWER_CASE_CODE = Pattern.compile("[a-z]{3}");
    private static final Set<String> CURRENCIES = currencies();

    public PlanTerms {
        nickname = Texts.clean(nickname);
        description = Texts.clean(description);
        currency = currency == null ? null : currency.strip();
        interval = interval == null ? null : interval.strip();
        type = type == null ? null : type.strip();
        revenueRecognitionType = revenueRecognitionType == null ? null : revenueRecognitionType.strip();
        oldId = Texts.clean(oldId);
        entitlements = entitlements == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(entitlements));
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The terms of a new plan: what the client left out takes the guide's usual value. */
    public PlanTerms withDefaults() {
        return new PlanTerms(nickname, description, amount, currency, interval,
                intervalCount == null ? 1 : intervalCount, autoRenew == null ? Boolean.TRUE : autoRenew,
                availableOnline == null ? Boolean.TRUE : availableOnline,
                shipmentsPerInterval == null ? 0 : shipmentsPerInterval, type == null ? PlanType.REGULAR.json() : type,
                revenueRecognitionType == null ? RevenueRecognition.TIME_BASED.json() : revenueRecognitionType,
                entitlements, trialPeriodDays, oldId, active == null ? Boolean.TRUE : active, metadata);
    }

    /** Every broken rule, named by JSON field. */
    public Violations validate() {
        Violations v = new Violations();
        v.require("nickname", nickname);
        v.maxLength("nickname", nickname, 200);
        v.maxLength("description", description, 2_000);
        v.require("amount", amount);
        v.checkIfPresent("amount", amount, a -> a >= 0 && a <= MAX_AMOUNT,
                "must be a whole number of minor units from 0 to " + MAX_AMOUNT);
        v.require("currency", currency);
        v.checkIfPresent("currency", currency, c -> LOWER_CASE_CODE.matcher(c).matches() && CURRENCIES.contains(c),
                "must be a lower-case ISO 4217 currency code, e.g. usd");
        v.require("interval", interval);
        BillingInterval unit = BillingInterval.parse(interval);
        if (interval != null && unit == null) {
            v.add("interval", "must be one of " + String.join(", ", BillingInterval.NAMES));
        }
        v.require("interval_count", intervalCount);
        if (intervalCount != null) {
            int max = unit == null ? BillingInterval.DAY.maxCount() : unit.maxCount();
            if (intervalCount < 1 || intervalCount > max) {
                v.add("interval_count", "must be from 1 to " + max
                        + (unit == null ? "" : " for interval " + unit.json()) + " (a cycle of at most three years)");
            }
        }
        v.require("auto_renew", autoRenew);
        v.require("available_online", availableOnline);
        v.require("shipments_per_interval", shipmentsPerInterval);
        v.checkIfPresent("shipments_per_interval", shipmentsPerInterval,
                s -> s >= 0 && s <= MAX_SHIPMENTS_PER_INTERVAL, "must be from 0 to " + MAX_SHIPMENTS_PER_INTERVAL);
        v.require("type", type);
        if (type != null && PlanType.parse(type) == null) {
            v.add("type", "must be one of " + String.join(", ", PlanType.NAMES));
        }
        v.require("revenue_recognition_type", revenueRecognitionType);
        RevenueRecognition recognition = RevenueRecognition.parse(revenueRecognitionType);
        if (revenueRecognitionType != null && recognition == null) {
            v.add("revenue_recognition_type", "must be one of " + String.join(", ", RevenueRecognition.NAMES));
        }
        if (recognition == RevenueRecognition.SHIPMENT_BASED && shipmentsPerInterval != null
                && shipmentsPerInterval == 0) {
            v.add("revenue_recognition_type", "shipment_based needs shipments_per_interval of at least 1");
        }
        EntitlementNames.validate("entitlements", entitlements, v);
        v.checkIfPresent("trial_period_days", trialPeriodDays, d -> d >= 0 && d <= MAX_TRIAL_PERIOD_DAYS,
                "must be from 0 to " + MAX_TRIAL_PERIOD_DAYS);
        v.maxLength("old_id", oldId, 255);
        v.require("active", active);
        Metadata.validate("metadata", metadata, v);
        return v;
    }

    /** The fields of {@link #FIXED_ONCE_USED} that differ between these terms and {@code next}. */
    public List<String> fixedFieldsChangedBy(PlanTerms next) {
        List<String> changed = new ArrayList<>();
        if (!java.util.Objects.equals(amount, next.amount)) {
            changed.add("amount");
        }
        if (!java.util.Objects.equals(currency, next.currency)) {
            changed.add("currency");
        }
        if (!java.util.Objects.equals(interval, next.interval)) {
            changed.add("interval");
        }
        if (!java.util.Objects.equals(intervalCount, next.intervalCount)) {
            changed.add("interval_count");
        }
        return changed;
    }

    /** Valid terms only. */
    public BillingInterval billingInterval() {
        return BillingInterval.parse(interval);
    }

    /** Valid terms only. */
    public PlanType planType() {
        return PlanType.parse(type);
    }

    /** Valid terms only. */
    public RevenueRecognition revenueRecognition() {
        return RevenueRecognition.parse(revenueRecognitionType);
    }

    public boolean isActive() {
        return Boolean.TRUE.equals(active);
    }

    private static Set<String> currencies() {
        Set<String> codes = new HashSet<>();
        for (Currency currency : Currency.getAvailableCurrencies()) {
            codes.add(currency.getCurrencyCode().toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(codes);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes some fields (a merge patch); unset fields keep their value. */
    public static final class Builder {
        private String nickname;
        private String description;
        private Long amount;
        private String currency;
        private String interval;
        private Integer intervalCount;
        private Boolean autoRenew;
        private Boolean availableOnline;
        private Integer shipmentsPerInterval;
        private String type;
        private String revenueRecognitionType;
        private List<String> entitlements;
        private Integer trialPeriodDays;
        private String oldId;
        private Boolean active;
        private Map<String, String> metadata;

        private Builder(PlanTerms t) {
            nickname = t.nickname;
            description = t.description;
            amount = t.amount;
            currency = t.currency;
            interval = t.interval;
            intervalCount = t.intervalCount;
            autoRenew = t.autoRenew;
            availableOnline = t.availableOnline;
            shipmentsPerInterval = t.shipmentsPerInterval;
            type = t.type;
            revenueRecognitionType = t.revenueRecognitionType;
            entitlements = t.entitlements;
            trialPeriodDays = t.trialPeriodDays;
            oldId = t.oldId;
            active = t.active;
            metadata = t.metadata;
        }

        public Builder text(String field, String value) {
            switch (field) {
                case "nickname" -> nickname = value;
                case "description" -> description = value;
                case "currency" -> currency = value;
                case "interval" -> interval = value;
                case "type" -> type = value;
                case "revenue_recognition_type" -> revenueRecognitionType = value;
                case "old_id" -> oldId = value;
                default -> throw new IllegalArgumentException("not a text field: " + field);
            }
            return this;
        }

        public Builder amount(Long value) {
            amount = value;
            return this;
        }

        public Builder integer(String field, Integer value) {
            switch (field) {
                case "interval_count" -> intervalCount = value;
                case "shipments_per_interval" -> shipmentsPerInterval = value;
                case "trial_period_days" -> trialPeriodDays = value;
                default -> throw new IllegalArgumentException("not an integer field: " + field);
            }
            return this;
        }

        public Builder flag(String field, Boolean value) {
            switch (field) {
                case "auto_renew" -> autoRenew = value;
                case "available_online" -> availableOnline = value;
                case "active" -> active = value;
                default -> throw new IllegalArgumentException("not a boolean field: " + field);
            }
            return this;
        }

        public Builder entitlements(List<String> value) {
            entitlements = value;
            return this;
        }

        public Builder metadata(Map<String, String> value) {
            metadata = value;
            return this;
        }

        public PlanTerms build() {
            return new PlanTerms(nickname, description, amount, currency, interval, intervalCount, autoRenew,
                    availableOnline, shipmentsPerInterval, type, revenueRecognitionType, entitlements,
                    trialPeriodDays, oldId, active, metadata);
        }
    }
}
