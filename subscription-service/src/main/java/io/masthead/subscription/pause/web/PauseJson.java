package io.masthead.subscription.pause.web;

import io.masthead.subscription.pause.model.Actor;
import io.masthead.subscription.pause.model.PauseRecord;
import io.masthead.subscription.pause.model.PauseRequest;
import io.masthead.subscription.pause.model.PauseTrigger;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** The bodies of pause and resume, and a pause of the history as JSON (snake_case). */
final class PauseJson {

    private PauseJson() {
    }

    static final String PAUSE_ID = "pau_01jt3z8x9k2m4n6p8q0r2s4t6v";
    static final String SUBSCRIPTION_ID = "sub_01jt3z8x9k2m4n6p8q0r2s4t6v";

    @Schema(name = "PauseSubscription", description = "Pause now: for duration_days or until resume_at (one of them)")
    record PauseBody(
            @Schema(description = "1 to 90", example = "30", minimum = "1", maximum = "90") Integer durationDays,
            @Schema(description = "When it resumes by itself: in the future, at most 90 days ahead") Instant resumeAt,
            @Schema(description = "Why (at most 500 characters); required with override_annual_limit",
                    example = "Travelling for the summer") String reason,
            @Schema(description = "Secret key only: pause a subscription a subscriber could not pause (past_due)")
            Boolean force,
            @Schema(description = "Secret key only: pause beyond once per calendar year; needs a reason")
            Boolean overrideAnnualLimit) {

        PauseRequest toRequest() {
            return new PauseRequest(durationDays, resumeAt, reason, Boolean.TRUE.equals(force),
                    Boolean.TRUE.equals(overrideAnnualLimit));
        }
    }

    @Schema(name = "ResumeSubscription", description = "Resume now (any time before the pause's end)")
    record ResumeBody(@Schema(description = "Why (at most 500 characters)") String reason) {
    }

    @Schema(name = "PauseActor", description = "Who acted: a secret key (admin, no id), a customer (their id), or "
            + "the system (the pause's end)")
    record ActorResource(@Schema(allowableValues = {"admin", "customer", "system"}) String type,
            @Schema(example = "cus_01jt3z8x9k2m4n6p8q0r2s4t6v") String id) {
        static ActorResource of(Actor a) {
            return a == null ? null : new ActorResource(a.type().wireName(), a.id());
        }
    }

    @Schema(name = "SubscriptionPause", description = "One pause of a subscription's history")
    record PauseResource(
            @Schema(example = PAUSE_ID) String id,
            @Schema(allowableValues = "subscription_pause") String object,
            @Schema(example = SUBSCRIPTION_ID) String subscription,
            String customer,
            @Schema(allowableValues = {"paused", "resumed", "canceled"},
                    description = "paused while in progress; canceled when a cancellation ended the subscription "
                            + "during the pause") String status,
            @Schema(description = "The UTC calendar year it counts in") int year,
            Instant startedAt,
            @Schema(description = "When it resumes (resumed) by itself") Instant plannedEndAt,
            @Schema(description = "The planned length in days") int durationDays,
            @Schema(description = "When it ended; absent while paused") Instant endedAt,
            @Schema(description = "Days the period end moved by (a begun day counts whole); absent while paused")
            Integer daysPaused,
            @Schema(allowableValues = {"trialing", "active", "past_due"}) String pausedFrom,
            @Schema(allowableValues = {"manual", "admin"}) String trigger,
            ActorResource actor,
            @Schema(description = "An admin set a rule aside: force or override_annual_limit") boolean override,
            boolean forced,
            boolean overrideAnnualLimit,
            String reason,
            @Schema(allowableValues = {"auto", "manual", "admin", "canceled"},
                    description = "canceled: the subscription was canceled during the pause (by the system)")
            String resumeTrigger,
            ActorResource resumedBy,
            String resumeReason,
            Instant createdAt) {

        static PauseResource of(PauseRecord p) {
            return new PauseResource(p.id(), "subscription_pause", p.subscriptionId(), p.customerId(),
                    p.isOpen() ? "paused" : p.resumeTrigger() == PauseTrigger.CANCELED ? "canceled" : "resumed", p.year(), p.startedAt(), p.plannedEndAt(), p.plannedDays(),
                    p.endedAt(), p.daysPaused(), p.pausedFrom().wireName(), p.trigger().wireName(),
                    ActorResource.of(p.actor()), p.isOverride(), p.forced(), p.overrodeAnnualLimit(), p.reason(),
                    p.resumeTrigger() == null ? null : p.resumeTrigger().wireName(), ActorResource.of(p.resumedBy()),
                    p.resumeReason(), p.createdAt());
        }
    }
}
