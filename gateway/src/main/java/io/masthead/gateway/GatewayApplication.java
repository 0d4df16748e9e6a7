package io.masthead.gateway;

import io.masthead.gateway.site.cli.SiteCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The single HTTP entry of Masthead: authenticates API keys, mints the internal token, routes {@code /v1}
 * to the services and serves their OpenAPI documents. Run with {@code site create ...} it is instead the
 * operator's command to create a site (see {@link SiteCommand}).
 */
@SpringBootApplication
public class GatewayApplication {

    public static void main(String[] args) {
        if (SiteCommand.isInvoked(args)) {
            System.exit(SiteCommand.run(GatewayApplication.class, args, System.out, System.err));
        }
        SpringApplication.run(GatewayApplication.class, args);
    }
}
