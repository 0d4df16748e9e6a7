package io.masthead.gateway;

import io.masthead.gateway.auth.application.AuthProperties;
import io.masthead.gateway.auth.application.InternalTokens;
import io.masthead.gateway.session.application.SessionProperties;
import io.masthead.gateway.session.application.SessionService;
import io.masthead.gateway.session.infrastructure.CustomerServiceClient;
import io.masthead.gateway.session.infrastructure.LoginAttemptRepository;
import io.masthead.gateway.session.infrastructure.SessionRepository;
import io.masthead.gateway.testclock.infrastructure.TestClockRepository;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wiring across concepts that would otherwise depend on each other in a circle: customer sessions take the
 * internal tokens of authentication (which checks sessions) and the site's time of the test clocks (which use
 * authentication's tokens to call the services).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
class GatewayWiring {

    @Bean
    SessionService sessionService(SessionRepository sessions, LoginAttemptRepository attempts,
            CustomerServiceClient customers, TestClockRepository clocks, InternalTokens tokens, Clock clock,
            SessionProperties sessionProperties, AuthProperties auth) {
        return new SessionService(sessions, attempts, customers,
                (site, wall) -> clocks.find(site).map(testClock -> testClock.now(wall)).defaultIfEmpty(wall),
                tokens::tokenFor, clock, sessionProperties, auth.cacheTtl());
    }
}
