package io.masthead.test.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.masthead.test.engines.Ports;
import io.masthead.test.spring.sample.SampleApplication;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A service on the platform never serves its management endpoints on its public port. */
class ManagementPortGuardTest {

    @Test
    void aServiceConfiguredToShareItsPublicPortWithManagementDoesNotStart() {
        int port = Ports.free();
        Map<String, Object> properties = new HashMap<>(MastheadContextCustomizerFactory.properties("sample"));
        properties.put("server.port", port);
        properties.put("management.server.port", port);
        String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);

        assertThatThrownBy(() -> new SpringApplicationBuilder(SampleApplication.class).run(arguments).close())
                .hasStackTraceContaining("management.server.port must differ from server.port");
        assertThat(Ports.inUse(port)).isFalse();
    }
}
