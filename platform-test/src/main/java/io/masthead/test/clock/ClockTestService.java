package io.masthead.test.clock;

import io.masthead.events.EventHeader;
import io.masthead.events.customer.Organization;
import io.masthead.events.customer.OrganizationCreated;
import io.masthead.platform.consumer.ConsumedValues;
import io.masthead.platform.duework.DueItem;
import io.masthead.platform.duework.DueWork;
import io.masthead.platform.duework.DueWorkHandler;
import io.masthead.platform.events.EventHeaderFactory;
import io.masthead.platform.events.EventRecords;
import io.masthead.platform.inbox.Inbox;
import io.masthead.platform.kafka.TopicDefinition;
import io.masthead.platform.outbox.Outbox;
import io.masthead.platform.outbox.OutboxMessage;
import io.masthead.platform.time.SiteTime;
import io.masthead.test.spring.MastheadContextCustomizerFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * A small real service on the platform, for tests of the test clock: its own database, the platform's due work,
 * outbox, inbox and {@code /internal/clock} endpoints, on the shared engines. Its due work:
 * <ul>
 *   <li>{@value #NOTE}: writes "{@code <service>: <key> at <site time>}" to the {@link #JOURNAL};</li>
 *   <li>{@value #EMIT}: the same, and sends an event about it to {@value #TOPIC} through the outbox.</li>
 * </ul>
 * With {@code consume} it takes in the events of {@value #TOPIC} through the inbox: it writes
 * "{@code <service>: took in <key> at <site time>}" and schedules two {@value #NOTE} items of its own, one hour
 * later ({@code <key>/finalize}) and two days later ({@code <key>/retry}). The event is a carrier on a topic of the
 * tests' own (an {@code OrganizationCreated}, whose name is the key): any record with the platform's header would do.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ClockTestService {

    public static final String TOPIC = "clock-test.v1";
    public static final String NOTE = "test.note";
    public static final String EMIT = "test.emit";
    public static final String EVENT_TYPE = "clock_test.happened";

    /** What every such service of this JVM did, in the order it did it. */
    public static final List<String> JOURNAL = new CopyOnWriteArrayList<>();

    /** A started service: its context, its address, its due work. */
    public record Running(String name, ConfigurableApplicationContext context) implements AutoCloseable {

        public URI uri() {
            return URI.create("http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort());
        }

        public DueWork dueWork() {
            return context.getBean(DueWork.class);
        }

        /** Schedules an item of this service for a test-mode site, as its own code would (in a transaction). */
        public void schedule(String siteId, String kind, String key, Instant dueAt) {
            TransactionalOperator transaction = context.getBean(TransactionalOperator.class);
            dueWork().schedule(siteId, false, kind, key, dueAt, null).as(transaction::transactional)
                    .block(Duration.ofSeconds(10));
        }

        @Override
        public void close() {
            context.close();
        }
    }

    /**
     * Starts a service named {@code name} on database {@code database} of the shared engines, at a random port.
     *
     * @param consume          whether it takes in the events of {@value #TOPIC}
     * @param publicKeyLocation the public key its internal tokens are verified with (null: the test tokens')
     */
    public static Running start(String name, String database, boolean consume, String publicKeyLocation) {
        Map<String, Object> properties = new LinkedHashMap<>(MastheadContextCustomizerFactory.properties(database));
        properties.put("spring.application.name", name);
        // its own configuration only, not the application.yml of the module under test
        properties.put("spring.config.name", "clock-test-service");
        properties.put("spring.config.import", "classpath:masthead-platform.yml");
        properties.put("spring.flyway.locations", "classpath:db/platform");
        properties.put("spring.kafka.consumer.group-id", name);
        properties.put("spring.main.banner-mode", "off");
        properties.put("server.port", "0");
        properties.put("management.server.port", "-1");
        properties.put("masthead.outbox.enabled", "true");
        properties.put("masthead.clock-test.consume", String.valueOf(consume));
        properties.put("masthead.idempotency.enabled", "false");
        // where it runs beside a gateway (its tests), it is no gateway itself
        properties.put("spring.cloud.gateway.server.webflux.enabled", "false");
        properties.put("springdoc.api-docs.enabled", "false");
        if (publicKeyLocation != null) {
            properties.put("masthead.security.jwt.public-key-location", publicKeyLocation);
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(ClockTestService.class)
                .web(WebApplicationType.REACTIVE)
                .properties(properties)
                .run();
        return new Running(name, context);
    }

    @Bean
    TopicDefinition clockTestTopic() {
        return new TopicDefinition(TOPIC, 3);
    }

    @Bean
    TransactionalOperator clockTestTransactions(org.springframework.transaction.ReactiveTransactionManager manager) {
        return TransactionalOperator.create(manager);
    }

    @Bean
    DueWorkHandler noteHandler(org.springframework.core.env.Environment env) {
        String name = env.getRequiredProperty("spring.application.name");
        return new DueWorkHandler() {
            @Override
            public String kind() {
                return NOTE;
            }

            @Override
            public Mono<Void> handle(DueItem item, Instant siteNow) {
                return Mono.fromRunnable(() -> JOURNAL.add(name + ": " + item.key() + " at " + siteNow));
            }
        };
    }

    @Bean
    DueWorkHandler emitHandler(org.springframework.core.env.Environment env, Outbox outbox,
            EventHeaderFactory headers) {
        String name = env.getRequiredProperty("spring.application.name");
        return new DueWorkHandler() {
            @Override
            public String kind() {
                return EMIT;
            }

            @Override
            public Mono<Void> handle(DueItem item, Instant siteNow) {
                return headers.header(EVENT_TYPE, item.siteId(), item.livemode(), siteNow)
                        .flatMap(header -> outbox.append(new OutboxMessage(UUID.fromString(header.getEventId()),
                                EVENT_TYPE, TOPIC, item.siteId(), carrier(header, item.key(), siteNow))))
                        .then(Mono.fromRunnable(() -> JOURNAL.add(name + ": " + item.key() + " at " + siteNow)));
            }
        };
    }

    private static OrganizationCreated carrier(EventHeader header, String key, Instant at) {
        return OrganizationCreated.newBuilder().setHeader(header)
                .setOrganization(Organization.newBuilder().setId("org_" + UUID.randomUUID().toString()
                                .replace("-", "")).setName(key).setCreatedAt(at).setUpdatedAt(at).build())
                .build();
    }

    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "masthead.clock-test.consume",
            havingValue = "true")
    Consumer clockTestConsumer(org.springframework.core.env.Environment env, Inbox inbox, SiteTime siteTime,
            DueWork dueWork) {
        return new Consumer(env.getRequiredProperty("spring.application.name"), inbox, siteTime, dueWork);
    }

    /** Takes in the events of {@value #TOPIC}: notes them and schedules their follow-ups. */
    public static class Consumer {
        private final String name;
        private final Inbox inbox;
        private final SiteTime siteTime;
        private final DueWork dueWork;

        Consumer(String name, Inbox inbox, SiteTime siteTime, DueWork dueWork) {
            this.name = name;
            this.inbox = inbox;
            this.siteTime = siteTime;
            this.dueWork = dueWork;
        }

        @KafkaListener(topics = TOPIC)
        void onEvent(ConsumerRecord<String, Object> record) {
            OrganizationCreated event = (OrganizationCreated) ConsumedValues.value(record);
            EventHeader header = EventRecords.headerOf(event);
            String site = header.getSiteId();
            String key = event.getOrganization().getName();
            inbox.process(name, record, siteTime.now(site, header.getLivemode()).flatMap(now -> {
                JOURNAL.add(name + ": took in " + key + " at " + now);
                return dueWork.schedule(site, header.getLivemode(), NOTE, key + "/finalize",
                                now.plus(Duration.ofHours(1)), null)
                        .then(dueWork.schedule(site, header.getLivemode(), NOTE, key + "/retry",
                                now.plus(Duration.ofDays(2)), null));
            })).block(Duration.ofSeconds(30));
        }
    }
}
