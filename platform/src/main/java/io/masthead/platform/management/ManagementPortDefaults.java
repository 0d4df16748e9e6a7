package io.masthead.platform.management;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives every service a management port of its own unless {@code management.server.port} is set: the public
 * port ({@code server.port}, 8080 when unset) plus {@link #OFFSET}, or 0 (a random port) when the public port is
 * random. Management endpoints therefore never share the public port by default, for services added later too
 * (docs/design.md, "Management port").
 */
public final class ManagementPortDefaults implements EnvironmentPostProcessor, Ordered {

    /** The management port of a service is its public port plus this. */
    public static final int OFFSET = 1000;

    static final String PROPERTY = "management.server.port";
    static final String SOURCE = "masthead-management-port";
    private static final int DEFAULT_SERVER_PORT = 8080;

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(PROPERTY)) {
            return;
        }
        Integer serverPort = environment.getProperty("server.port", Integer.class, DEFAULT_SERVER_PORT);
        Integer managementPort = managementPortFor(serverPort);
        if (managementPort != null) {
            // last: below every configured source, so any setting wins
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(PROPERTY, managementPort)));
        }
    }

    /** The default management port for a public port; none when the public port is off or the sum is no port. */
    static Integer managementPortFor(int serverPort) {
        if (serverPort == 0) {
            return 0;
        }
        if (serverPort < 0 || serverPort + OFFSET > 65535) {
            return null; // ManagementPortGuard then asks for an explicit management.server.port
        }
        return serverPort + OFFSET;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after the config files (and masthead-platform.yml) are loaded
    }
}
