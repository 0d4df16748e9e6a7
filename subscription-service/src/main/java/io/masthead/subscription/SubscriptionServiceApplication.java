package io.masthead.subscription;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** subscription-service: products, plans and subscriptions of every site; the writer of subscriptions.v1. */
@SpringBootApplication
@OpenAPIDefinition(info = @Info(title = "Masthead subscription-service", version = "v1",
        description = "Products, plans, subscriptions over their whole life, bulk cancellations"))
public class SubscriptionServiceApplication {

    public static void main(String[] args) {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES",
                System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.masthead.events"));
        SpringApplication.run(SubscriptionServiceApplication.class, args);
    }
}
