package io.masthead.gateway.testclock.web;

import io.masthead.gateway.testclock.model.ClockStatus;
import io.masthead.gateway.testclock.model.TestClock;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A site's test clock as the API shows it. */
@Schema(name = "TestClock")
record TestClockResponse(
        @Schema(allowableValues = "test_clock") String object,
        @Schema(example = "site_01jt3z8x9k2m4n6p8q0r2s4t6v") String siteId,
        @Schema(description = "The site's time: the wall clock's until the first advance; while advancing, the "
                + "last time every service has caught up with; when ready, it runs on from the last target",
                example = "2030-01-01T00:00:00Z") Instant now,
        @Schema(description = "`ready`: the time runs on from `now`; `advancing`: moving to `advancing_to`; "
                + "`failed`: the advance gave up (see `failure`), the time stands at `now` until a new advance",
                allowableValues = {"ready", "advancing", "failed"}) String status,
        @Schema(description = "The target of the advance in progress (null when ready)",
                example = "2030-01-31T00:00:00Z") Instant advancingTo,
        @Schema(description = "Why the last attempt of the advance in progress failed, if it did: it is retried "
                + "from the last time reached") String lastError,
        @Schema(description = "Why the advance failed, when the status is `failed` (null otherwise): it gave up "
                + "after its attempts; a new advance starts from `now`") String failure) {

    static TestClockResponse of(TestClock clock, Instant wall) {
        return new TestClockResponse("test_clock", clock.siteId(), clock.now(wall), clock.status().value(),
                clock.advancingTo(), clock.status() == ClockStatus.ADVANCING ? clock.lastError() : null,
                clock.failure());
    }
}
