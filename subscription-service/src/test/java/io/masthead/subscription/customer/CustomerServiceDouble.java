package io.masthead.subscription.customer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.masthead.platform.security.InternalToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.springframework.security.oauth2.jwt.Jwt;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small real HTTP server that answers what customer-service answers on {@code GET /v1/customers/{id}} and
 * {@code GET /v1/addresses/{id}} (the same JSON fields, 404 problems, 403 for a customer who is not the caller),
 * and checks the bearer token exactly as customer-service does: with the platform's internal-token decoder (the
 * same issuer, audience and key), answering 401 otherwise, and scoping every answer to the token's site. Tests give
 * it resources, make it fail, or stop it (connections are then refused) and start it again on the same port.
 */
final class CustomerServiceDouble implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A request it received: the path and the bearer token (without "Bearer "). */
    record Received(String path, String token) {
    }

    private final int port;
    private final Map<String, Map<String, Object>> customers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> addresses = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<String, Jwt> tokens = token -> {
        throw new IllegalStateException("no token decoder yet");
    };
    private volatile int failWith;
    private HttpServer server;

    CustomerServiceDouble() {
        this.server = bind(0);
        this.port = server.getAddress().getPort();
        server.start();
    }

    String url() {
        return "http://localhost:" + port;
    }

    /** Tokens are checked with this (the platform's decoder, as every service verifies them). */
    void verifyTokensWith(Function<String, Jwt> decoder) {
        this.tokens = decoder;
    }

    void knowCustomer(String site, Map<String, Object> customer) {
        customers.put(site + "/" + customer.get("id"), customer);
    }

    void knowAddress(String site, Map<String, Object> address) {
        addresses.put(site + "/" + address.get("id"), address);
    }

    /** Every request from now on is answered with this status (0: answer normally). */
    void failWith(int status) {
        this.failWith = status;
    }

    List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    synchronized void stop() {
        server.stop(0);
    }

    /** Listens again on the same port (retrying while the port is still being released). */
    synchronized void start() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                server = HttpServer.create(new InetSocketAddress("localhost", port), 0);
                break;
            } catch (BindException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException(e);
                }
                try {
                    Thread.sleep(20); // the port is being released
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        route(server);
        server.start();
    }

    private HttpServer bind(int onPort) {
        try {
            HttpServer created = HttpServer.create(new InetSocketAddress("localhost", onPort), 0);
            route(created);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void route(HttpServer on) {
        on.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange);
            }
        });
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String token = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()) : null;
        received.add(new Received(path, token));
        if (failWith != 0) {
            problem(exchange, failWith, "failing");
            return;
        }
        Jwt jwt;
        try {
            jwt = tokens.apply(token);
        } catch (RuntimeException e) {
            problem(exchange, 401, "unauthorized");
            return;
        }
        String site = jwt.getClaimAsString(InternalToken.CLAIM_SITE);
        String role = jwt.getClaimAsString(InternalToken.CLAIM_ROLE);
        String caller = jwt.getClaimAsString(InternalToken.CLAIM_CUSTOMER);
        if (!"GET".equals(exchange.getRequestMethod())) {
            problem(exchange, 405, "method-not-allowed");
            return;
        }
        if (path.startsWith("/v1/customers/")) {
            String id = path.substring("/v1/customers/".length());
            if ("customer".equals(role) && !id.equals(caller)) {
                problem(exchange, 403, "forbidden"); // requireAdminOr(id)
                return;
            }
            answer(exchange, customers.get(site + "/" + id));
        } else if (path.startsWith("/v1/addresses/")) {
            Map<String, Object> address = addresses.get(site + "/" + path.substring("/v1/addresses/".length()));
            if (address != null && "customer".equals(role) && !address.get("customer_id").equals(caller)) {
                problem(exchange, 403, "forbidden");
                return;
            }
            answer(exchange, address);
        } else {
            problem(exchange, 404, "not-found");
        }
    }

    private static void answer(HttpExchange exchange, Map<String, Object> resource) throws IOException {
        if (resource == null) {
            problem(exchange, 404, "not-found");
            return;
        }
        write(exchange, 200, "application/json", JSON.writeValueAsBytes(resource));
    }

    private static void problem(HttpExchange exchange, int status, String type) throws IOException {
        write(exchange, status, "application/problem+json", JSON.writeValueAsBytes(Map.of(
                "type", "https://masthead.dev/problems/" + type, "title", type, "status", status)));
    }

    private static void write(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        stop();
    }
}
