package io.masthead.gateway.testclock.infrastructure;

import io.masthead.gateway.auth.application.InternalTokens;
import io.masthead.gateway.routing.ServicesProperties;
import io.masthead.gateway.testclock.application.TestClockParticipants;
import io.masthead.gateway.testclock.application.TestClockProperties;
import io.masthead.platform.clock.ClockParticipant;
import io.masthead.platform.clock.HttpClockParticipant;
import io.masthead.platform.security.Caller;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Every service behind the gateway ({@code masthead.gateway.services}, or those named in
 * {@code masthead.gateway.test-clock.participants}) through its {@code /internal/clock} endpoints, called with an
 * internal token of the site's admin in test mode.
 */
public class ServiceParticipants implements TestClockParticipants {

    private final List<ClockParticipant> participants;

    public ServiceParticipants(ServicesProperties services, TestClockProperties properties, InternalTokens tokens,
            WebClient.Builder webClient) {
        List<String> names = properties.participants().isEmpty()
                ? List.copyOf(services.services().keySet()) : properties.participants();
        List<ClockParticipant> all = new ArrayList<>();
        for (String name : names) {
            ServicesProperties.Service service = services.services().get(name);
            if (service == null) {
                throw new IllegalStateException("masthead.gateway.test-clock.participants: '" + name
                        + "' is not a service of masthead.gateway.services");
            }
            all.add(new HttpClockParticipant(name, service.uri(), webClient,
                    siteId -> tokens.tokenFor(Caller.admin(siteId, false)), properties.callTimeout()));
        }
        this.participants = List.copyOf(all);
    }

    @Override
    public List<ClockParticipant> all() {
        return participants;
    }
}
