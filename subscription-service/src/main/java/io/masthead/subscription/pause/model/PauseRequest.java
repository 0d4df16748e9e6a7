package io.masthead.subscription.pause.model;

import java.time.Instant;

/**
 * A request to pause: for {@code durationDays} (1..90) or until {@code resumeAt} (at most 90 days ahead), with an
 * optional {@code reason}; {@code force} and {@code overrideAnnualLimit} are a secret key's (support tooling).
 */
public record PauseRequest(Integer durationDays, Instant resumeAt, String reason, boolean force,
        boolean overrideAnnualLimit) {

    public static PauseRequest forDays(int days) {
        return new PauseRequest(days, null, null, false, false);
    }

    public static PauseRequest until(Instant resumeAt) {
        return new PauseRequest(null, resumeAt, null, false, false);
    }

    public PauseRequest forced(String why) {
        return new PauseRequest(durationDays, resumeAt, why, true, overrideAnnualLimit);
    }

    public PauseRequest overridingAnnualLimit(String why) {
        return new PauseRequest(durationDays, resumeAt, why, force, true);
    }

    /** Whether it asks for what only a secret key may ask: {@code force} or {@code override_annual_limit}. */
    public boolean usesAdminOverrides() {
        return force || overrideAnnualLimit;
    }
}
