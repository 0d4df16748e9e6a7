package io.masthead.subscription.bulkcancel.web;

import io.masthead.platform.id.Ids;
import io.masthead.platform.security.Caller;
import io.masthead.platform.web.ProblemException;
import io.masthead.subscription.bulkcancel.application.BulkCancellationService;
import io.masthead.subscription.bulkcancel.model.BulkCancellation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/v1/bulk_cancellations")
@Tag(name = "Bulk cancellations", description = "Offboarding: cancel every subscription of a scope, in the background")
class BulkCancellationController {

    private final BulkCancellationService service;

    BulkCancellationController(BulkCancellationService service) {
        this.service = service;
    }

    @Schema(description = "Which subscriptions: {\"all\": true}, or a plan and/or a status")
    record Scope(Boolean all, String plan, String status) {
    }

    @Schema(description = "A bulk cancellation to run")
    record CreateBulkCancellation(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Scope scope,
            @Schema(allowableValues = {"immediately", "period_end", "date"},
                    requiredMode = Schema.RequiredMode.REQUIRED) String effective,
            @Schema(description = "With effective date: when the subscriptions are canceled (the job runs then)")
            Instant effectiveDate,
            @Schema(description = "Count what would be canceled, change nothing") Boolean dryRun) {
    }

    @Schema(name = "BulkCancellation")
    record BulkCancellationResource(String id, @Schema(allowableValues = "bulk_cancellation") String object,
            @Schema(allowableValues = {"pending", "running", "succeeded", "failed"}) String status,
            Scope scope, String effective, Instant effectiveDate, boolean dryRun,
            @Schema(description = "Subscriptions in the scope when the job started") long matched,
            @Schema(description = "Canceled so far (a dry run: would be canceled)") long canceled,
            @Schema(description = "Counts of the result: canceled (would_cancel in a dry run), skipped and why, "
                    + "and canceled_with_admin (would_cancel_with_admin): the live members an admin's subscription in "
                    + "the scope took with it, in the scope or not") Map<String, Object> report,
            Instant createdAt, Instant updatedAt, Instant completedAt) {

        static BulkCancellationResource of(BulkCancellation b) {
            return new BulkCancellationResource(b.id(), "bulk_cancellation", b.status().wireName(),
                    new Scope(b.scope().all() ? Boolean.TRUE : null, b.scope().planId(),
                            b.scope().status() == null ? null : b.scope().status().wireName()),
                    b.effective().wireName(), b.effectiveDate(), b.dryRun(), b.matched(), b.canceled(), b.report(),
                    b.createdAt(), b.updatedAt(), b.completedAt());
        }
    }

    @PostMapping
    @Operation(operationId = "createBulkCancellation", summary = "Start a bulk cancellation",
            description = "Accepted at once; runs in batches (each subscription canceled emits its event). The scope "
                    + "is the snapshot at the job's creation: the subscriptions of its plan and status created "
                    + "before the job (a later one is not the job's, even when a dated job runs later), plus the "
                    + "replacements a change of plan made since of those; their status is read when a batch reaches "
                    + "them. A membership admin's subscription takes its live members with it (counted in "
                    + "canceled_with_admin). A re-run skips what is already canceled. Follow it with "
                    + "GET /v1/bulk_cancellations/{id}.")
    @ApiResponse(responseCode = "202", description = "The job, pending; `Location` is its URL")
    @ApiResponse(responseCode = "422", description = "A bad scope, effective or effective_date")
    Mono<ResponseEntity<BulkCancellationResource>> create(Caller caller, @RequestBody CreateBulkCancellation body) {
        caller.requireAdmin();
        Scope scope = body.scope();
        String id = service.newId();
        return service.create(caller, now -> BulkCancellation.request(id, caller.siteId(), caller.livemode(),
                        scope == null ? null : scope.all(), scope == null ? null : scope.plan(),
                        scope == null ? null : scope.status(), scope != null, body.effective(), body.effectiveDate(),
                        body.dryRun(), now))
                .map(job -> ResponseEntity.status(HttpStatus.ACCEPTED)
                        .location(URI.create("/v1/bulk_cancellations/" + job.id()))
                        .body(BulkCancellationResource.of(job)));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "retrieveBulkCancellation", summary = "Retrieve a bulk cancellation: progress and report")
    @ApiResponse(responseCode = "200", description = "The job")
    Mono<BulkCancellationResource> get(Caller caller, @PathVariable String id) {
        if (!Ids.looksLike(BulkCancellation.ID_PREFIX, id)) {
            return Mono.error(ProblemException.notFound("bulk_cancellation", id));
        }
        return service.get(caller, id).map(BulkCancellationResource::of);
    }
}
