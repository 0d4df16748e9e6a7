package io.masthead.gateway.testclock.web;

import io.swagger.v3.oas.annotations.media.Schema;

/** Where to move the clock: exactly one of {@code to} and {@code by}. */
@Schema(name = "TestClockAdvance", description = "Exactly one of `to` and `by`")
record AdvanceRequest(
        @Schema(description = "The time to move the clock to (ISO-8601, UTC), later than its `now`",
                example = "2030-02-01T00:00:00Z") String to,
        @Schema(description = "How far to move the clock from its `now`: an ISO-8601 duration (`P30D`, `PT1H`, "
                + "`P1M`: calendar months and years are counted in UTC)", example = "P30D") String by) {
}
