package io.masthead.subscription.stats.web;

import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.Violations;
import io.masthead.subscription.stats.application.StatsService;
import io.masthead.subscription.stats.model.SubscriptionStats;
import io.masthead.subscription.subscription.model.SubscriptionStatus;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@Tag(name = "Subscription stats", description = "Counts by status and plan; pauses and churn over a range, paused "
        + "kept apart from churned")
class StatsController {

    private final StatsService service;

    StatsController(StatsService service) {
        this.service = service;
    }

    @Schema(name = "PlanStats")
    record PlanStats(@Schema(example = "pln_01jt3z8x9k2m4n6p8q0r2s4t6v") String plan, long total,
            Map<String, Long> byStatus) {
    }

    @Schema(name = "PauseStats", description = "Pauses in the range")
    record PauseStats(@Schema(description = "Pauses begun in [from, to)") long started,
            @Schema(description = "Pauses ended (resumed) in [from, to)") long ended,
            @Schema(description = "Pauses begun in [from, to) by an admin's override") long overrides,
            @Schema(description = "Subscriptions paused now") long inProgress) {
    }

    @Schema(name = "ChurnStats", description = "Subscriptions that ended in [from, to); paused ones are not churned, "
            + "nor ones a change of plan replaced (counted under replaced, outside total)")
    record ChurnStats(@Schema(description = "Canceled, not replaced by a change of plan") long canceled,
            long expired,
            @Schema(description = "Canceled by a change of plan that replaced them: not churn") long replaced,
            @Schema(description = "canceled + expired") long total) {
    }

    @Schema(name = "SubscriptionStats")
    record StatsResource(@Schema(allowableValues = "subscription_stats") String object,
            @Schema(description = "The site's time the counts are of") Instant asOf, Instant from, Instant to,
            @Schema(description = "Every subscription of the site") long total,
            @Schema(description = "Status to count, every status listed") Map<String, Long> byStatus,
            List<PlanStats> byPlan, PauseStats pauses, ChurnStats churned) {

        static StatsResource of(SubscriptionStats s) {
            return new StatsResource("subscription_stats", s.asOf(), s.from(), s.to(), s.total(),
                    wire(s.byStatus()), s.byPlan().stream().map(p -> new PlanStats(p.planId(), p.total(),
                            wire(p.byStatus()))).toList(),
                    new PauseStats(s.pausesStarted(), s.pausesEnded(), s.pauseOverrides(),
                            s.byStatus().get(SubscriptionStatus.PAUSED)),
                    new ChurnStats(s.churnedCanceled(), s.churnedExpired(), s.replaced(), s.churned()));
        }

        private static Map<String, Long> wire(Map<SubscriptionStatus, Long> counts) {
            Map<String, Long> out = new LinkedHashMap<>();
            counts.forEach((status, n) -> out.put(status.wireName(), n));
            return out;
        }
    }

    @GetMapping("/v1/subscriptions/stats")
    @Operation(operationId = "subscriptionStats", summary = "Subscription stats",
            description = "Now: counts by status and by plan. Over [from, to) (default: the 30 days up to now): pauses "
                    + "begun and ended (from the pause history) and churn (canceled or expired in the range). A paused "
                    + "subscription is paused, not churned. Secret key only.")
    @ApiResponse(responseCode = "200", description = "The counts")
    @ApiResponse(responseCode = "422", description = "from or to not an ISO-8601 UTC time, or from not before to")
    Mono<StatsResource> stats(Caller caller,
            @Parameter(description = "Start of the range, inclusive (ISO-8601 UTC)") @RequestParam(required = false)
            String from,
            @Parameter(description = "End of the range, exclusive (ISO-8601 UTC); default now")
            @RequestParam(required = false) String to) {
        caller.requireAdmin();
        Violations v = new Violations();
        Instant start = instant("from", from, v);
        Instant end = instant("to", to, v);
        v.throwIfAny();
        return service.stats(caller, start, end).map(StatsResource::of);
    }

    private static Instant instant(String field, String value, Violations v) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            v.add(field, "must be an ISO-8601 UTC time, e.g. 2030-01-31T00:00:00Z");
            return null;
        }
    }
}
