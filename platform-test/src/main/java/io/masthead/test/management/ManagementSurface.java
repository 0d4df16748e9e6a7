package io.masthead.test.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What a service's public port must not serve and its management port must (docs/design.md, "Management port"):
 * shared by every service's tests and the system tests.
 */
public final class ManagementSurface {

    /** Paths of management endpoints (Boot's and Spring Cloud's): none may answer on a public port. */
    public static final List<String> MANAGEMENT_PATHS = List.of("/actuator", "/actuator/health",
            "/actuator/health/liveness", "/actuator/health/readiness", "/actuator/info", "/actuator/env",
            "/actuator/metrics", "/actuator/metrics/jvm.memory.used", "/actuator/prometheus", "/actuator/beans",
            "/actuator/configprops", "/actuator/loggers", "/actuator/mappings", "/actuator/conditions",
            "/actuator/threaddump", "/actuator/heapdump", "/actuator/scheduledtasks", "/actuator/refresh",
            "/actuator/gateway", "/actuator/gateway/routes", "/actuator/gateway/globalfilters");

    /** Writes that management endpoints accept when they are exposed: none may be accepted on any port. */
    public static final List<Write> MANAGEMENT_WRITES = List.of(
            new Write(HttpMethod.POST, "/actuator/shutdown", "{}"),
            new Write(HttpMethod.POST, "/actuator/loggers/ROOT", "{\"configuredLevel\": \"TRACE\"}"),
            new Write(HttpMethod.POST, "/actuator/env", "{\"name\": \"x\", \"value\": \"y\"}"),
            new Write(HttpMethod.POST, "/actuator/refresh", "{}"),
            new Write(HttpMethod.POST, "/actuator/gateway/refresh", "{}"));

    /** An HTTP request that would change something through a management endpoint. */
    public record Write(HttpMethod method, String path, String body) {
    }

    private ManagementSurface() {
    }

    /** A client of a port on loopback, as Prometheus (or an operator's curl) on the same host would be. */
    public static WebTestClient loopback(int port) {
        return client("http://127.0.0.1:" + port);
    }

    /** A client of a base URL that takes Prometheus-sized bodies. */
    public static WebTestClient client(String baseUrl) {
        return WebTestClient.bindToServer().baseUrl(baseUrl)
                .responseTimeout(Duration.ofSeconds(30))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 << 20)).build();
    }

    /**
     * Every management path and write answers 404 (a problem) on the public port, while {@code /livez} and
     * {@code /readyz} answer 200 with a status only.
     */
    public static void assertPublicPortServesNoManagementEndpoint(WebTestClient publicPort) {
        for (String path : MANAGEMENT_PATHS) {
            publicPort.get().uri(path).exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.status").isEqualTo(404);
        }
        for (Write write : MANAGEMENT_WRITES) {
            publicPort.method(write.method()).uri(write.path()).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(write.body()).exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        }
        assertProbesOnPublicPort(publicPort);
    }

    /** {@code /livez} and {@code /readyz}: 200, {@code {"status":"UP"}} and nothing more. */
    public static void assertProbesOnPublicPort(WebTestClient publicPort) {
        for (String probe : List.of("/livez", "/readyz")) {
            publicPort.get().uri(probe).exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo("UP")
                    .jsonPath("$.components").doesNotExist()
                    .jsonPath("$.details").doesNotExist();
        }
    }

    /** The Prometheus text of the management port; checks it is Prometheus' format and names the application. */
    public static String scrape(WebTestClient managementPort, String application) {
        String body = managementPort.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectHeader().value("Content-Type", type -> assertThat(type).startsWith("text/plain"))
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).contains("# TYPE jvm_memory_used_bytes gauge")
                .contains("application=\"" + application + "\"");
        return body;
    }

    /**
     * On the management port: the read-only endpoints answer, nothing that reads the configuration or changes
     * anything does.
     */
    public static void assertManagementPortIsReadOnly(WebTestClient managementPort) {
        managementPort.get().uri("/actuator/health").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        managementPort.get().uri("/actuator/metrics").exchange().expectStatus().isOk();
        for (String path : List.of("/actuator/env", "/actuator/beans", "/actuator/configprops",
                "/actuator/heapdump", "/actuator/gateway/routes")) {
            managementPort.get().uri(path).exchange().expectStatus().isNotFound();
        }
        for (Write write : MANAGEMENT_WRITES) {
            managementPort.method(write.method()).uri(write.path()).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(write.body()).exchange()
                    .expectStatus().value(status -> assertThat(status).isIn(404, 405));
        }
    }

    /**
     * The management port answers on loopback only: connecting to it through this host's first non-loopback IPv4
     * address is refused, while the public port (bound to every address) accepts the same connection. Returns
     * false, having checked only loopback, on a host with no such address.
     */
    public static boolean assertListensOnLoopbackOnly(int managementPort, int publicPort) {
        assertThat(connects(InetAddress.getLoopbackAddress(), managementPort)).isTrue();
        Optional<InetAddress> external = nonLoopbackAddress();
        if (external.isEmpty()) {
            return false;
        }
        assertThat(connects(external.get(), publicPort)).as("public port on %s", external.get()).isTrue();
        assertThat(connects(external.get(), managementPort)).as("management port on %s", external.get()).isFalse();
        return true;
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            throw new AssertionError("cannot tell whether " + address + ":" + port + " listens: " + e, e);
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() {
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(nic -> {
                        try {
                            return nic.isUp() && !nic.isLoopback();
                        } catch (SocketException e) {
                            return false;
                        }
                    })
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()
                            && !address.isLinkLocalAddress())
                    .findFirst();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }
}
