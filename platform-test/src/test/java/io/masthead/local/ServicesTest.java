package io.masthead.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServicesTest {

    @TempDir
    Path directory;

    private static List<String> keyLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
    }

    @Test
    void theWebhookSecretKeyFileHoldsOneRandomAes256KeyForItsOwnerOnly() throws IOException {
        Path first = directory.resolve("keys/webhook-secret-keys");
        Path second = directory.resolve("other");

        Services.writeWebhookSecretKey(first, "local-1");
        Services.writeWebhookSecretKey(second, "local-1");

        List<String> lines = keyLines(first);
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).startsWith("local-1:");
        assertThat(Base64.getDecoder().decode(lines.getFirst().substring("local-1:".length()))).hasSize(32);
        assertThat(keyLines(second)).doesNotContainAnyElementsOf(lines);
        if (first.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first))).isEqualTo("rw-------");
        }
    }

    @Test
    void eachServiceOfTheLocalRunHasItsManagementPortAt1000AboveItsPort() throws IOException {
        Files.createDirectories(directory.resolve("deploy/local"));
        Files.writeString(directory.resolve("deploy/local/services.properties"), """
                # comment
                gateway=8080,gateway
                customer-service=8081,customers
                """);

        assertThat(Services.read(directory)).containsExactly(
                new Services.Definition("gateway", 8080, 9080, "gateway"),
                new Services.Definition("customer-service", 8081, 9081, "customers"));
        assertThat(new Services.Definition("x", 8084, "x").withPorts(40001, 40002))
                .isEqualTo(new Services.Definition("x", 40001, 40002, "x"));
    }

    @Test
    void everyServiceButTheGatewayLearnsWhereTheOtherServicesAre() {
        Services.Definition gateway = new Services.Definition("gateway", 40000, "gateway");
        Services.Definition customers = new Services.Definition("customer-service", 40001, "customers");
        Services.Definition subscriptions = new Services.Definition("subscription-service", 40002, "subscriptions");
        List<Services.Definition> all = List.of(gateway, customers, subscriptions);

        assertThat(Services.otherServices(subscriptions, all))
                .containsExactly("--masthead.services.customer-service.uri=http://localhost:40001");
        assertThat(Services.otherServices(customers, all))
                .containsExactly("--masthead.services.subscription-service.uri=http://localhost:40002");
        assertThat(Services.otherServices(gateway, all)).isEmpty();
    }
}
