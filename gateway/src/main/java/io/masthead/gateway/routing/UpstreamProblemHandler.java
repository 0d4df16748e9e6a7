package io.masthead.gateway.routing;

import io.masthead.platform.web.Problems;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

/**
 * The failures particular to a gateway, as problems: a service that cannot be reached (503), one that
 * closes the connection before its answer is complete (502), one that does not answer in time (504), and a path
 * no route or endpoint serves (404). Everything else goes on to the platform's problem handler.
 */
@Order(-3)
public class UpstreamProblemHandler implements WebExceptionHandler {

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        String path = exchange.getRequest().getPath().value();
        if (causedBy(ex, ConnectException.class)) {
            return Problems.write(exchange.getResponse(), HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable",
                    "Service unavailable", "The service behind this path cannot be reached; try again shortly",
                    path, List.of());
        }
        if (causedBy(ex, PrematureCloseException.class)) {
            // the request may or may not have been processed: a retry with the same Idempotency-Key is safe
            return Problems.write(exchange.getResponse(), HttpStatus.BAD_GATEWAY, "bad-gateway", "Bad gateway",
                    "The service behind this path closed the connection before it answered; retry with the same "
                            + "Idempotency-Key", path, List.of());
        }
        if (causedBy(ex, TimeoutException.class)
                || ex instanceof ResponseStatusException status && status.getStatusCode().value() == 504) {
            return Problems.write(exchange.getResponse(), HttpStatus.GATEWAY_TIMEOUT, "gateway-timeout",
                    "Gateway timeout", "The service behind this path did not answer in time", path, List.of());
        }
        if (ex instanceof ResponseStatusException status && status.getStatusCode().value() == 404) {
            return Problems.write(exchange.getResponse(), HttpStatus.NOT_FOUND, "not-found", "Not found",
                    "No endpoint " + exchange.getRequest().getMethod() + " " + path, path, List.of());
        }
        return Mono.error(ex);
    }

    private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
