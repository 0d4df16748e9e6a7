package io.masthead.platform.management;

import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Management endpoints (metrics, Prometheus, health details, ...) are never served on the public port: a service
 * configured to share it ({@code management.server.port} equal to {@code server.port}) refuses to start its web
 * server. {@code management.server.port=-1} switches HTTP management off instead.
 */
@AutoConfiguration
@ConditionalOnWebApplication
public class ManagementAutoConfiguration {

    @Bean
    @ConditionalOnManagementPort(ManagementPortType.SAME)
    WebServerFactoryCustomizer<ConfigurableWebServerFactory> managementPortGuard() {
        return factory -> {
            throw new IllegalStateException("management.server.port must differ from server.port: management "
                    + "endpoints are not served on the public port (set management.server.port to a port of its "
                    + "own, 0 for a random one, or -1 for none; see docs/design.md, \"Management port\")");
        };
    }
}
