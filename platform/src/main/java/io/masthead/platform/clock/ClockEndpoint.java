package io.masthead.platform.clock;

import io.masthead.platform.security.Caller;
import io.masthead.platform.validation.Violations;
import io.masthead.platform.web.ProblemException;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The test clock's calls into a service (docs/test-clocks.md), on its public port beside {@code /v1} but never
 * routed by the gateway: {@code POST /internal/clock/steps} and {@code POST /internal/clock/releases} with
 * {@code {"site_id": ..., "time": ...}}. Only the internal token of a test-mode site's admin, for that site, is
 * accepted (401 without a valid token, 403 otherwise). Not in the service's OpenAPI document: it is no public API.
 */
@Hidden
@RestController
@RequestMapping("/internal/clock")
class ClockEndpoint {

    /** The body of both calls: the site and the step (or release) time. */
    record ClockCall(String siteId, Instant time) {
    }

    private final ClockParticipant participant;

    ClockEndpoint(ClockParticipant participant) {
        this.participant = participant;
    }

    @PostMapping("/steps")
    Mono<StepReport> step(@RequestBody ClockCall call, Caller caller) {
        return Mono.defer(() -> {
            check(call, caller);
            return participant.step(call.siteId(), call.time().truncatedTo(ChronoUnit.MILLIS));
        });
    }

    @PostMapping("/releases")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> release(@RequestBody ClockCall call, Caller caller) {
        return Mono.defer(() -> {
            check(call, caller);
            return participant.release(call.siteId(), call.time().truncatedTo(ChronoUnit.MILLIS));
        });
    }

    private static void check(ClockCall call, Caller caller) {
        if (!caller.isAdmin() || caller.livemode()) {
            throw ProblemException.forbidden("Only the test clock of a test-mode site moves its time");
        }
        Violations violations = new Violations();
        violations.require("site_id", call.siteId());
        violations.require("time", call.time());
        violations.throwIfAny();
        if (!call.siteId().equals(caller.siteId())) {
            throw ProblemException.forbidden("The token is not for site " + call.siteId());
        }
    }
}
