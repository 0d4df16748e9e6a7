package io.masthead.subscription.shared.model;

/** How the catalog reads free text: blank means "no value" (imports often carry empty cells). */
public final class Texts {

    private Texts() {
    }

    public static String clean(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        return trimmed.isEmpty() ? null : trimmed;
    }
}
