package io.masthead.system;

import io.masthead.test.platform.PlatformUnderTest;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A client of the platform under test, as a publisher's server would be: HTTP to the gateway with a key. */
final class Gateway {

    private Gateway() {
    }

    static WebTestClient client() {
        return WebTestClient.bindToServer().baseUrl(PlatformUnderTest.shared().gatewayUrl())
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    static WebTestClient as(String secretKey) {
        return client().mutate().defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + secretKey)
                .defaultHeader(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE).build();
    }
}
