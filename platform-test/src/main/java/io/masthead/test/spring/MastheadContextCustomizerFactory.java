package io.masthead.test.spring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.masthead.test.engines.DatabaseCoordinates;
import io.masthead.test.engines.Engines;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives every {@link MastheadIntegrationTest} the engines' coordinates as properties, before anything (Flyway,
 * R2DBC, Kafka) reads them. Registered in {@code META-INF/spring.factories}. Contexts are cached per database name.
 */
public final class MastheadContextCustomizerFactory implements ContextCustomizerFactory {

    static final String PROPERTY_SOURCE = "masthead-engines";

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
                                                     List<ContextConfigurationAttributes> configAttributes) {
        MastheadIntegrationTest test = TestContextAnnotationUtils.findMergedAnnotation(testClass,
                MastheadIntegrationTest.class);
        return test == null ? null : new EnginesCustomizer(test.database());
    }

    /** The properties for a service whose database is {@code database}; starts the engines if needed. */
    public static Map<String, Object> properties(String database) {
        Engines engines = Engines.shared().startAll();
        DatabaseCoordinates db = engines.postgres().database(database);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.r2dbc.url", db.r2dbcUrl());
        properties.put("spring.r2dbc.username", db.username());
        properties.put("spring.r2dbc.password", db.password());
        properties.put("spring.flyway.url", db.jdbcUrl());
        properties.put("spring.flyway.user", db.username());
        properties.put("spring.flyway.password", db.password());
        properties.put("spring.kafka.bootstrap-servers", engines.kafka().bootstrapServers());
        properties.put("masthead.registry.url", engines.registry().url());
        properties.put("masthead.security.jwt.public-key-location", TestTokens.publicKeyLocation());
        return properties;
    }

    private record EnginesCustomizer(String database) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE, properties(database));
            MutablePropertySources sources = context.getEnvironment().getPropertySources();
            // Below the test's own inlined properties (so a test can override one), above application.yml.
            if (sources.contains("Inlined Test Properties")) {
                sources.addAfter("Inlined Test Properties", source);
            } else {
                sources.addFirst(source);
            }
        }
    }
}
