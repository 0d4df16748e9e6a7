package io.masthead.customer;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** customer-service: customers, organizations and addresses of every site; the writer of customers.v1. */
@SpringBootApplication
@OpenAPIDefinition(info = @Info(title = "Masthead customer-service", version = "v1",
        description = "Customers, organizations and billing/shipping addresses"))
public class CustomerServiceApplication {

    public static void main(String[] args) {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES",
                System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.masthead.events"));
        SpringApplication.run(CustomerServiceApplication.class, args);
    }
}
