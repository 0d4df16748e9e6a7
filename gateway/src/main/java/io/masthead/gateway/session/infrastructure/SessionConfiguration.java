package io.masthead.gateway.session.infrastructure;

import io.masthead.gateway.routing.ServicesProperties;
import io.masthead.gateway.session.application.SessionProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/** The client of the service that verifies passwords (the session service is wired with authentication). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(SessionProperties.class)
public class SessionConfiguration {

    @Bean
    CustomerServiceClient customerServiceClient(ServicesProperties services, SessionProperties properties) {
        ServicesProperties.Service service = services.services().get(properties.credentialsService());
        if (service == null) {
            throw new IllegalStateException("masthead.gateway.sessions.credentials-service: no service '"
                    + properties.credentialsService() + "' in masthead.gateway.services");
        }
        return new CustomerServiceClient(WebClient.builder(), service.uri());
    }
}
