package io.masthead.platform.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class ManagementPortDefaultsTest {

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", new HashMap<>(properties)));
        new ManagementPortDefaults().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void theManagementPortIsThePublicPortPlus1000() {
        assertThat(environment(Map.of("server.port", "8081")).getProperty("management.server.port"))
                .isEqualTo("9081");
        assertThat(environment(Map.of()).getProperty("management.server.port", Integer.class)).isEqualTo(9080);
    }

    @Test
    void aRandomPublicPortGetsARandomManagementPort() {
        assertThat(environment(Map.of("server.port", 0)).getProperty("management.server.port", Integer.class))
                .isZero();
    }

    @Test
    void aConfiguredManagementPortWins() {
        assertThat(environment(Map.of("server.port", "8081", "management.server.port", "7001"))
                .getProperty("management.server.port")).isEqualTo("7001");
        assertThat(environment(Map.of("management.server.port", "-1")).getProperty("management.server.port"))
                .isEqualTo("-1");
    }

    @Test
    void noDefaultWhereThereIsNoPortToDeriveFrom() {
        assertThat(environment(Map.of("server.port", "-1")).containsProperty("management.server.port")).isFalse();
        assertThat(environment(Map.of("server.port", "65000")).containsProperty("management.server.port")).isFalse();
    }

    @Test
    void theDefaultIsTheLastSourceSoAnyLaterSettingStillWins() {
        StandardEnvironment environment = environment(Map.of("server.port", "8084"));
        assertThat(environment.getPropertySources().stream().reduce((first, second) -> second).orElseThrow()
                .getName()).isEqualTo(ManagementPortDefaults.SOURCE);
    }
}
