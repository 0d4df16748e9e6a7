package io.masthead.customer.shared.model;

import java.util.Locale;
import java.util.Set;

/** ISO 3166-1 alpha-2 countries, and the 2-letter subdivision codes required for the US and Canada. */
public final class Countries {

    private static final Set<String> COUNTRIES = Set.copyOf(Locale.getISOCountries(Locale.IsoCountryCode.PART1_ALPHA2));

    private static final Set<String> US_STATES = Set.of(
            "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
            "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND",
            "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
            "DC", "AS", "GU", "MP", "PR", "UM", "VI", "AA", "AE", "AP");

    private static final Set<String> CA_PROVINCES = Set.of(
            "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT");

    private Countries() {
    }

    public static boolean isCountry(String code) {
        return COUNTRIES.contains(code);
    }

    /** Whether addresses in this country must give the state as a 2-letter code. */
    public static boolean requiresStateCode(String country) {
        return "US".equals(country) || "CA".equals(country);
    }

    public static boolean isStateOf(String country, String state) {
        return switch (country) {
            case "US" -> US_STATES.contains(state);
            case "CA" -> CA_PROVINCES.contains(state);
            default -> true;
        };
    }
}
