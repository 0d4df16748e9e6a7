package io.masthead.gateway.session.web;

import io.masthead.gateway.apikey.model.AuthenticatedKey;
import io.masthead.gateway.session.model.CustomerSession;
import java.util.Optional;
import org.springframework.web.server.ServerWebExchange;

/** What the request presented and the authentication filter accepted: the API key, or the customer session. */
public final class Presented {

    public static final String KEY = "masthead.gateway.api-key";
    public static final String SESSION = "masthead.gateway.customer-session";

    private Presented() {
    }

    public static Optional<AuthenticatedKey> key(ServerWebExchange exchange) {
        return Optional.ofNullable(exchange.getAttribute(KEY));
    }

    public static Optional<CustomerSession> session(ServerWebExchange exchange) {
        return Optional.ofNullable(exchange.getAttribute(SESSION));
    }
}
