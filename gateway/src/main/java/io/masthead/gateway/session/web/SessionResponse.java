package io.masthead.gateway.session.web;

import io.masthead.gateway.session.application.SessionService;
import io.masthead.gateway.session.model.CustomerSession;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** A customer session as the API shows it, with its token: only in the response that creates it. */
@Schema(name = "CustomerSession", description = "A short-lived session of one customer")
record SessionResponse(
        @Schema(example = "cse_01jt3z8x9k2m4n6p8q0r2s4t6v") String id,
        @Schema(allowableValues = "customer_session") String object,
        @Schema(description = "Send it as `Authorization: Bearer <token>`; shown only here",
                example = "cst_test_4eC39HqLyjWDarjtT1zdp7dc4eC39HqLyjWDarjtT1z") String token,
        @Schema(description = "The customer it acts as", example = "cus_01jt3z8x9k2m4n6p8q0r2s4t6v") String customer,
        boolean livemode,
        @Schema(description = "When it was created, in the site's time", example = "2026-05-04T09:30:00Z")
        Instant createdAt,
        @Schema(description = "When it stops working, in the site's time (a test site's test clock moves it nearer)",
                example = "2026-05-04T10:30:00Z") Instant expiresAt) {

    static SessionResponse of(SessionService.Issued issued) {
        CustomerSession s = issued.session();
        return new SessionResponse(s.id(), "customer_session", issued.token().reveal(), s.customerId(), s.livemode(),
                s.createdAt(), s.expiresAt());
    }
}
