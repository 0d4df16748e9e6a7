package io.masthead.test.engines;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RegistryEngineTest {

    @BeforeAll
    static void startEngines() {
        Engines.shared().startAll(); // all three in parallel, once per JVM: faster than one after the other
    }

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void registersASchemaThroughTheConfluentApiAndReadsItBackById() throws Exception {
        RegistryEngine registry = Engines.shared().registry();
        assertThat(registry.url()).matches("http://localhost:\\d+/apis/registry/v3");

        String schema = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Probe\\\",\\\"namespace\\\":\\\"io.masthead.test\\\","
                + "\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"string\\\"}]}";
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(
                        URI.create(registry.ccompatUrl() + "/subjects/io.masthead.test.Probe/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"" + schema + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(registered.body());
        assertThat(id.find()).as(registered.body()).isTrue();

        HttpResponse<String> byId = http.send(HttpRequest.newBuilder(
                URI.create(registry.ccompatUrl() + "/schemas/ids/" + id.group(1))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(byId.body()).contains("Probe").contains("io.masthead.test");

        HttpResponse<String> subjects = http.send(HttpRequest.newBuilder(
                URI.create(registry.ccompatUrl() + "/subjects")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(subjects.body()).contains("io.masthead.test.Probe");
    }
}
