package io.masthead.gateway.site.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.masthead.gateway.site.model.SiteMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SiteCommandTest {

    @Test
    void takesNameAndModeAsSeparateOrJoinedValuesAndPassesTheRestToSpring() {
        SiteCommand.Invocation invocation = SiteCommand.parse(new String[] {"site", "create", "--name", "Daily Planet",
                "--mode=live", "--spring.r2dbc.url=r2dbc:postgresql://db/gateway", "--spring.flyway.url=jdbc:x"});

        assertThat(invocation.name()).isEqualTo("Daily Planet");
        assertThat(invocation.mode()).isEqualTo(SiteMode.LIVE);
        assertThat(invocation.springArgs())
                .containsExactly("--spring.r2dbc.url=r2dbc:postgresql://db/gateway", "--spring.flyway.url=jdbc:x");
    }

    @Test
    void theModeDefaultsToTest() {
        assertThat(SiteCommand.parse(new String[] {"site", "create", "--name=Gazette"}).mode()).isEqualTo(SiteMode.TEST);
    }

    @Test
    void rejectsBadUsage() {
        assertThatThrownBy(() -> SiteCommand.parse(new String[] {"site"})).hasMessageContaining("unknown command");
        assertThatThrownBy(() -> SiteCommand.parse(new String[] {"site", "delete"})).hasMessageContaining("unknown command");
        assertThatThrownBy(() -> SiteCommand.parse(new String[] {"site", "create"})).hasMessageContaining("--name is required");
        assertThatThrownBy(() -> SiteCommand.parse(new String[] {"site", "create", "--name"}))
                .hasMessageContaining("--name needs a value");
        assertThatThrownBy(() -> SiteCommand.parse(new String[] {"site", "create", "--name", "x", "--mode", "prod"}))
                .hasMessageContaining("--mode must be test or live");
        assertThatThrownBy(() -> SiteCommand.parse(new String[] {"site", "create", "--name", "x", "stray"}))
                .hasMessageContaining("unexpected argument 'stray'");
    }

    @Test
    void badUsageExitsWith2AndTheUsageWithoutStartingAnything() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(SiteCommand.run(Object.class, new String[] {"site", "create", "--mode", "test"}, System.out, errors))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: --name is required").contains("usage:");
    }
}
