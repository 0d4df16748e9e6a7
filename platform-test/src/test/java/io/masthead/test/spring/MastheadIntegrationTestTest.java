package io.masthead.test.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.masthead.test.engines.Engines;
import io.masthead.test.spring.sample.SampleApplication;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.reactive.server.WebTestClient;

@MastheadIntegrationTest(database = "sample")
@ContextConfiguration(classes = SampleApplication.class)
class MastheadIntegrationTestTest {

    @Autowired
    WebTestClient web;

    @Autowired
    Environment environment;

    @Autowired
    DatabaseClient database;

    @Test
    void pointsTheServiceAtTheSharedEngines() {
        Engines engines = Engines.shared();
        assertThat(environment.getProperty("spring.r2dbc.url")).isEqualTo(engines.postgres().database("sample").r2dbcUrl());
        assertThat(environment.getProperty("spring.flyway.url")).isEqualTo(engines.postgres().database("sample").jdbcUrl());
        assertThat(environment.getProperty("spring.kafka.bootstrap-servers")).isEqualTo(engines.kafka().bootstrapServers());
        assertThat(environment.getProperty("masthead.registry.url")).isEqualTo(engines.registry().url());
        assertThat(environment.getProperty("masthead.security.jwt.public-key-location"))
                .isEqualTo(TestTokens.publicKeyLocation()).startsWith("file:");
        // Flyway ran the platform's migrations on the service's own database
        assertThat(database.sql("SELECT count(*) AS n FROM flyway_schema_history WHERE success")
                .map(row -> row.get("n", Long.class)).one().block()).isPositive();
    }

    @Test
    void acceptsTestTokensAndRejectsMissingOnes() {
        web.get().uri("/v1/whoami").exchange().expectStatus().isUnauthorized();

        web.get().uri("/v1/whoami").header("Authorization", "Bearer " + TestTokens.admin("site_a"))
                .exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.site_id").isEqualTo("site_a")
                .jsonPath("$.role").isEqualTo("admin")
                .jsonPath("$.database").isEqualTo("sample");

        web.get().uri("/v1/whoami").header("Authorization", "Bearer " + TestTokens.customer("site_a", "cus_1"))
                .exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.role").isEqualTo("customer")
                .jsonPath("$.customer_id").isEqualTo("cus_1");
    }
}
