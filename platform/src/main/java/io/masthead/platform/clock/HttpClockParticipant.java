package io.masthead.platform.clock;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * A service as a participant, through its {@code /internal/clock} endpoints ({@link ClockEndpoint}), called with an
 * internal token of the site's admin. Used by the test clock's owner (the gateway).
 */
public class HttpClockParticipant implements ClockParticipant {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    private final String name;
    private final WebClient client;
    private final Function<String, String> tokenForSite;
    private final Duration timeout;

    /**
     * @param baseUri      where the service listens, e.g. {@code http://localhost:8082}
     * @param tokenForSite an internal token of the admin of a (test-mode) site
     * @param timeout      the longest a call may take (a step waits for the service's outbox and consumers)
     */
    public HttpClockParticipant(String name, URI baseUri, WebClient.Builder webClient,
            Function<String, String> tokenForSite, Duration timeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.client = webClient.clone().baseUrl(baseUri.toString()).build();
        this.tokenForSite = tokenForSite;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Mono<StepReport> step(String siteId, Instant t) {
        return call("/internal/clock/steps", siteId, t)
                .bodyToMono(JSON)
                .timeout(timeout)
                .map(HttpClockParticipant::report)
                .onErrorMap(WebClientResponseException.class, HttpClockParticipant::failure);
    }

    @Override
    public Mono<Void> release(String siteId, Instant t) {
        return call("/internal/clock/releases", siteId, t)
                .toBodilessEntity()
                .timeout(timeout)
                .onErrorMap(WebClientResponseException.class, HttpClockParticipant::failure)
                .then();
    }

    private WebClient.ResponseSpec call(String path, String siteId, Instant t) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("site_id", siteId);
        body.put("time", t.toString());
        return client.post().uri(path)
                .headers(headers -> headers.setBearerAuth(tokenForSite.apply(siteId)))
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .retrieve();
    }

    private static Throwable failure(WebClientResponseException e) {
        return new TestClockException("answered " + e.getStatusCode().value() + ": "
                + e.getResponseBodyAsString(), e);
    }

    @SuppressWarnings("unchecked")
    static StepReport report(Map<String, Object> json) {
        Object quiet = json.get("quiet");
        Object activity = json.get("activity");
        if (!(quiet instanceof Boolean) || !(activity instanceof Number)) {
            throw new TestClockException("not a step report: " + json);
        }
        Object nextDue = json.get("next_due");
        Object waiting = json.get("waiting_for");
        return new StepReport((Boolean) quiet, nextDue == null ? null : Instant.parse(nextDue.toString()),
                ((Number) activity).longValue(), waiting == null ? List.of() : (List<String>) waiting,
                Boolean.TRUE.equals(json.get("progressed")));
    }
}
