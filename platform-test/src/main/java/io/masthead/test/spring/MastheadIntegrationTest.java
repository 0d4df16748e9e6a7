package io.masthead.test.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.annotation.AliasFor;

/**
 * A service integration test against the real engines of this JVM ({@link io.masthead.test.engines.Engines#shared()}):
 * the application on a random port with a {@code WebTestClient}, its own PostgreSQL database {@link #database()},
 * the shared Kafka broker and Apicurio Registry, and the test JWT public key ({@link TestTokens}).
 *
 * <p>Properties set (by {@link MastheadContextCustomizerFactory}): {@code spring.r2dbc.url/username/password},
 * {@code spring.flyway.url/user/password}, {@code spring.kafka.bootstrap-servers}, {@code masthead.registry.url},
 * {@code masthead.security.jwt.public-key-location}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "30s") // generous: 2 shared cores under a full build
public @interface MastheadIntegrationTest {

    /** The service's database; each distinct name is a separate database, created on first use. */
    String database();

    /** Extra properties ({@code key=value}); they win over the engines' properties. */
    @AliasFor(annotation = SpringBootTest.class, attribute = "properties")
    String[] properties() default {};
}
