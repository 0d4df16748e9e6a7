package io.masthead.webhook.support;

import io.masthead.test.spring.MastheadContextCustomizerFactory;
import io.masthead.webhook.WebhookServiceApplication;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * webhook-service started as a whole application on the shared engines, for tests that stop and start it
 * (a restart, a new key configuration) on the same database and consumer group: loopback endpoints allowed,
 * short timeouts and lease, a random port.
 */
public final class StandaloneService {

    private StandaloneService() {
    }

    /**
     * @param database the test database (created on first use)
     * @param groupId the consumer group, kept across restarts of one test
     * @param settings more properties, which win over these defaults
     */
    public static ConfigurableApplicationContext start(String database, String groupId, Map<String, Object> settings) {
        Map<String, Object> properties = new HashMap<>(MastheadContextCustomizerFactory.properties(database));
        properties.put("server.port", 0);
        properties.put("masthead.webhooks.allowed-subnets", "127.0.0.0/8");
        properties.put("masthead.webhooks.connect-timeout", "1s");
        properties.put("masthead.webhooks.response-timeout", "5s");
        properties.put("masthead.webhooks.lease", "12s");
        properties.put("masthead.webhooks.poll-interval", "200ms");
        properties.put("spring.kafka.consumer.group-id", groupId);
        properties.putAll(settings);
        // as command-line arguments: they win over application.yml (builder "properties" would not)
        String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        // Reactor Netty's global resources are shared by every application of this JVM: an instance that disposed
        // them when it closed would stop the servers of the others (the shared test context's management port).
        // Deployed, each service is its own process; here each standalone instance gets loops of its own.
        return new SpringApplicationBuilder(WebhookServiceApplication.class)
                .initializers(context -> ((org.springframework.context.support.GenericApplicationContext) context)
                        .registerBean(ReactorResourceFactory.class, () -> {
                            ReactorResourceFactory own = new ReactorResourceFactory();
                            own.setUseGlobalResources(false);
                            return own;
                        }))
                .run(arguments);
    }
}
