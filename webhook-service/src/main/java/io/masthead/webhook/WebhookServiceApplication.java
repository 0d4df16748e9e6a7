package io.masthead.webhook;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * webhook-service: consumes every domain topic and fans each event out, signed (Standard Webhooks) and
 * retried, to the endpoints of its site that asked for it; keeps every attempt for clients to see and replay.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@OpenAPIDefinition(info = @Info(title = "Masthead webhook-service", version = "v1",
        description = "Webhook endpoints, events, deliveries and attempts"))
public class WebhookServiceApplication {

    public static void main(String[] args) {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES",
                System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.masthead.events"));
        SpringApplication.run(WebhookServiceApplication.class, args);
    }
}
