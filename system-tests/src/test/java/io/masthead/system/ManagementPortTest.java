package io.masthead.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.test.management.ManagementSurface;
import io.masthead.test.platform.PlatformUnderTest;
import org.junit.jupiter.api.Test;

/**
 * Every service, run as its own process exactly as the local run starts it, keeps its management endpoints off
 * its public port and serves Prometheus on its loopback management port (docs/design.md, "Management port").
 */
class ManagementPortTest {

    @Test
    void publicPortsServeNoManagementEndpointAndEachManagementPortServesPrometheus() {
        PlatformUnderTest platform = PlatformUnderTest.shared();
        assertThat(platform.serviceNames()).contains("gateway", "customer-service", "webhook-service");
        for (String service : platform.serviceNames()) {
            ManagementSurface.assertPublicPortServesNoManagementEndpoint(
                    ManagementSurface.client(platform.serviceUrl(service)));
            ManagementSurface.scrape(ManagementSurface.loopback(platform.managementPort(service)), service);
            ManagementSurface.assertManagementPortIsReadOnly(ManagementSurface.loopback(platform.managementPort(service)));
            ManagementSurface.assertListensOnLoopbackOnly(platform.managementPort(service), platform.port(service));
        }
    }
}
