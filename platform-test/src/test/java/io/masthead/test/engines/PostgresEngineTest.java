package io.masthead.test.engines;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresEngineTest {

    @BeforeAll
    static void startEngines() {
        Engines.shared().startAll(); // all three in parallel, once per JVM: faster than one after the other
    }

    @Test
    void createsSeparateDatabasesThatAcceptQueries() throws Exception {
        PostgresEngine postgres = Engines.shared().postgres();

        DatabaseCoordinates first = postgres.database("engine_test_one");
        DatabaseCoordinates second = postgres.database("engine_test_two");
        assertThat(postgres.database("engine_test_one")).isEqualTo(first); // idempotent

        assertThat(first.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:" + postgres.port() + "/engine_test_one");
        assertThat(first.r2dbcUrl()).isEqualTo("r2dbc:postgresql://localhost:" + postgres.port() + "/engine_test_one");

        execute(first, "CREATE TABLE marker (name text)", "INSERT INTO marker VALUES ('one')");
        execute(second, "CREATE TABLE marker (name text)");
        assertThat(query(first, "SELECT count(*) FROM marker")).isEqualTo(1);
        assertThat(query(second, "SELECT count(*) FROM marker")).isZero();
        assertThat(query(second, "SELECT current_setting('server_version_num')::int / 10000")).isEqualTo(18);
    }

    private static void execute(DatabaseCoordinates db, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static int query(DatabaseCoordinates db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
