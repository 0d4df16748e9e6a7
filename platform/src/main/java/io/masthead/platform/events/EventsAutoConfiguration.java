package io.masthead.platform.events;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The event header factory of a service, named after {@code spring.application.name}. */
@AutoConfiguration
public class EventsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    EventHeaderFactory eventHeaderFactory(@Value("${spring.application.name}") String producer) {
        return new EventHeaderFactory(producer);
    }
}
