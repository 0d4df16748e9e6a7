package io.masthead.subscription.customer.infrastructure;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The customer view's wiring: the client of customer-service's API and its settings. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CustomerServiceProperties.class)
class CustomerViewConfiguration {

    @Bean(destroyMethod = "close")
    CustomerServiceClient customerServiceClient(CustomerServiceProperties properties) {
        return new CustomerServiceClient(properties);
    }
}
