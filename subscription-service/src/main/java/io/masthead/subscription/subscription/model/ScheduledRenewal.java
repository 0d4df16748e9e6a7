package io.masthead.subscription.subscription.model;

import java.time.Instant;

/**
 * A renewal asked for ahead of time (seed 002 "Charge upon renewal"): the next term, on {@code plan}, starts at
 * the current period's end whatever {@code auto_renew} says. Billing may charge for it when it is requested.
 */
public record ScheduledRenewal(PlanTerms plan, Instant startsAt, Instant endsAt, Instant requestedAt) {
}
