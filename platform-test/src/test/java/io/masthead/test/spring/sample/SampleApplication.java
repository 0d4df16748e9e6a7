package io.masthead.test.spring.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import io.masthead.platform.security.Caller;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A minimal service on the platform, to test {@link io.masthead.test.spring.MastheadIntegrationTest}. */
@SpringBootApplication
public class SampleApplication {

    @RestController
    static class WhoAmI {
        private final DatabaseClient database;

        WhoAmI(DatabaseClient database) {
            this.database = database;
        }

        @GetMapping("/v1/whoami")
        Mono<Map<String, Object>> whoami(Caller caller) {
            return database.sql("SELECT current_database() AS db").map(row -> row.get("db", String.class)).one()
                    .map(db -> {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("site_id", caller.siteId());
                        body.put("role", caller.role().claimValue());
                        body.put("customer_id", caller.customerId());
                        body.put("database", db);
                        return body;
                    });
        }
    }
}
