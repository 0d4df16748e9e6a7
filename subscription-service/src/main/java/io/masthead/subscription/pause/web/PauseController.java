package io.masthead.subscription.pause.web;

import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.time.SiteTime;
import io.masthead.platform.web.ListResponse;
import io.masthead.platform.web.PageRequest;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.pause.application.PauseService;
import io.masthead.subscription.pause.web.PauseJson.PauseBody;
import io.masthead.subscription.pause.web.PauseJson.PauseResource;
import io.masthead.subscription.pause.web.PauseJson.ResumeBody;
import io.masthead.subscription.subscription.model.Subscription;
import io.masthead.subscription.subscription.web.SubscriptionJson.SubscriptionResource;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/v1/subscriptions/{id}")
@Tag(name = "Pauses", description = "Pause and resume (seed 003): once per calendar year, at most 90 days, billing "
        + "and shipments stopped, automatic resume at the end; the pause history; support overrides with a secret key")
class PauseController {

    private final PauseService service;
    private final SiteTime siteTime;

    PauseController(PauseService service, SiteTime siteTime) {
        this.service = service;
        this.siteTime = siteTime;
    }

    @PostMapping("/pause")
    @Operation(operationId = "pauseSubscription", summary = "Pause a subscription",
            description = "Now, for duration_days (1 to 90) or until resume_at (at most 90 days ahead). Billing stops: "
                    + "current_period_end, renews_at and expires_at move by the pause, nothing renews meanwhile, and "
                    + "shipments are suspended until pause_end_at, when it resumes by itself. Once per calendar year "
                    + "(UTC). A customer token pauses its own subscriptions only; force and override_annual_limit "
                    + "(with a reason) are for a secret key. Emits subscription.paused.")
    @ApiResponse(responseCode = "200", description = "The subscription, paused")
    @ApiResponse(responseCode = "403", description = "force or override_annual_limit with a customer token")
    @ApiResponse(responseCode = "404", description = "No such subscription (or another customer's)")
    @ApiResponse(responseCode = "409", description = "Refused by its state, `detail` says why: once per year "
            + "(`once-per-year`), already paused (`already-paused`), not active or trialing (`not-pausable`)")
    @ApiResponse(responseCode = "422", description = "Bad input, `detail` says why: at most 90 days "
            + "(`at-most-90-days`, on duration_days or resume_at), neither or both of duration_days and resume_at, a "
            + "resume_at not in the future, an override without a reason")
    Mono<SubscriptionResource> pause(Caller caller, @PathVariable String id, @RequestBody PauseBody body) {
        return knownId(id).then(Mono.defer(() -> service.pause(caller, id, body.toRequest())))
                .flatMap(s -> resource(caller, s));
    }

    @PostMapping("/resume")
    @Operation(operationId = "resumeSubscription", summary = "Resume a paused subscription",
            description = "Now, before the pause's end (trigger manual with a customer token, admin with a secret key). "
                    + "The pause keeps only the days used (a begun day counts whole): the period end moves back by the "
                    + "rest. Emits subscription.resumed.")
    @ApiResponse(responseCode = "200", description = "The subscription, resumed")
    @ApiResponse(responseCode = "404", description = "No such subscription (or another customer's)")
    @ApiResponse(responseCode = "409", description = "It is not paused (`not-paused`)")
    @ApiResponse(responseCode = "422", description = "A reason over 500 characters")
    Mono<SubscriptionResource> resume(Caller caller, @PathVariable String id,
            @RequestBody(required = false) ResumeBody body) {
        return knownId(id).then(Mono.defer(() -> service.resume(caller, id, body == null ? null : body.reason())))
                .flatMap(s -> resource(caller, s));
    }

    @GetMapping("/pauses")
    @Operation(operationId = "listSubscriptionPauses", summary = "List a subscription's pauses",
            description = "Newest first: who paused and resumed it (actor), when, for how long, the triggers, "
                    + "overrides and reasons.")
    @ApiResponse(responseCode = "200", description = "A page of pauses")
    @ApiResponse(responseCode = "404", description = "No such subscription (or another customer's)")
    Mono<ListResponse<PauseResource>> pauses(Caller caller, @PathVariable String id,
            @RequestParam(required = false) String limit,
            @RequestParam(name = "starting_after", required = false) String startingAfter) {
        PageRequest page = PageRequest.of(limit, startingAfter);
        return knownId(id).then(Mono.defer(() -> service.history(caller, id, page)))
                .map(list -> list.map(PauseResource::of));
    }

    private Mono<SubscriptionResource> resource(Caller caller, Subscription s) {
        return siteTime.now(caller).map(now -> SubscriptionResource.of(s, now));
    }

    private static Mono<Void> knownId(String id) {
        return Ids.looksLike(Subscription.ID_PREFIX, id) ? Mono.empty()
                : Mono.error(ProblemException.notFound("subscription", id));
    }
}
