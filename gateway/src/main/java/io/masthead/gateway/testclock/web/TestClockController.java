package io.masthead.gateway.testclock.web;

import io.masthead.gateway.testclock.application.TestClockService;
import io.masthead.gateway.testclock.model.AdvanceTarget;
import io.masthead.platform.security.Caller;
import io.masthead.platform.security.CallerContext;
import io.masthead.platform.time.Timestamps;
import io.masthead.platform.validation.ValidationException;
import io.masthead.platform.validation.Violation;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationCredentialsNotFoundException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

@RestController
@org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication(
        type = org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type.REACTIVE)
@RequestMapping("/v1/test_clock")
@Tag(name = "Test clock", description = "Simulated time of a test-mode site, across every service "
        + "(docs/test-clocks.md)")
class TestClockController {

    private final TestClockService clocks;
    private final Clock clock;

    TestClockController(TestClockService clocks, Clock clock) {
        this.clocks = clocks;
        this.clock = clock;
    }

    @GetMapping
    @Operation(operationId = "getTestClock", summary = "Get the site's test clock",
            description = "Test-mode sites only. `now` is the site's time, which every service uses for its "
                    + "timestamps, events and due work.")
    @ApiResponse(responseCode = "200", description = "The test clock")
    @ApiResponse(responseCode = "403", description = "A live-mode site (test clocks are for test mode only), or "
            + "not a secret key")
    Mono<TestClockResponse> get(ServerWebExchange exchange) {
        return caller(exchange).flatMap(clocks::get).map(found -> TestClockResponse.of(found, wall()));
    }

    @PostMapping("/advance")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(operationId = "advanceTestClock", summary = "Advance the site's test clock",
            description = "Moves the site's time forward, to `to` or by `by` from `now`. The advance runs in the "
                    + "background: every service processes the site's due work up to the target in due-time "
                    + "order, including work that other work causes, as if the time had passed. The clock is "
                    + "`advancing` meanwhile, then `ready`, and `test_clock.ready` is sent (topic `sites.v1`, "
                    + "webhook). An advance that fails `max-attempts` times in a row without progress (a settled step "
                    + "forgets the failures) gives up: the clock is "
                    + "`failed` with its `failure`, and a new advance (of a failed clock) starts from where it "
                    + "stands.")
    @ApiResponse(responseCode = "202", description = "The advance started: the clock, advancing")
    @ApiResponse(responseCode = "403", description = "A live-mode site (test clocks are for test mode only), or "
            + "not a secret key")
    @ApiResponse(responseCode = "409", description = "The clock is still advancing (one advance per site at a time)")
    @ApiResponse(responseCode = "429", description = "Too many test clocks are advancing across every site "
            + "(`masthead.gateway.test-clock.max-concurrent-advances`): retry after `Retry-After` seconds",
            headers = @io.swagger.v3.oas.annotations.headers.Header(name = "Retry-After",
                    description = "Seconds to wait before advancing again",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(type = "integer", minimum = "1")))
    @ApiResponse(responseCode = "422", description = "Neither or both of `to` and `by`, an unreadable time or "
            + "duration, or a target not after `now` (the clock only moves forward)")
    Mono<TestClockResponse> advance(@RequestBody(required = false) AdvanceRequest body, ServerWebExchange exchange) {
        return caller(exchange).flatMap(caller -> {
            ParsedTarget target = parse(body);
            return clocks.advance(caller, target.target(), target.field());
        }).map(started -> TestClockResponse.of(started, wall()));
    }

    private record ParsedTarget(AdvanceTarget target, String field) {
    }

    static ParsedTarget parse(AdvanceRequest body) {
        String to = body == null ? null : body.to();
        String by = body == null ? null : body.by();
        if (to == null && by == null) {
            throw new ValidationException(List.of(new Violation("to", "one of to and by is required"),
                    new Violation("by", "one of to and by is required")));
        }
        if (to != null && by != null) {
            throw new ValidationException(List.of(new Violation("to", "give only one of to and by"),
                    new Violation("by", "give only one of to and by")));
        }
        if (to != null) {
            Optional<AdvanceTarget.At> at = AdvanceTarget.parseInstant(to);
            return new ParsedTarget(at.orElseThrow(() -> ValidationException.of("to",
                    "must be an ISO-8601 time, e.g. 2030-01-31T00:00:00Z")), "to");
        }
        AdvanceTarget.By duration = AdvanceTarget.parseDuration(by).orElseThrow(() -> ValidationException.of("by",
                "must be an ISO-8601 duration, e.g. P30D, PT1H or P1M"));
        if (!duration.isPositive()) {
            throw ValidationException.of("by", "must be a positive duration: the clock only moves forward");
        }
        return new ParsedTarget(duration, "by");
    }

    private Instant wall() {
        return Timestamps.now(clock);
    }

    private static Mono<Caller> caller(ServerWebExchange exchange) {
        return CallerContext.of(exchange)
                .switchIfEmpty(Mono.error(() -> new AuthenticationCredentialsNotFoundException("no caller")));
    }
}
