package io.masthead.test.engines;

/** How to reach one database of a {@link PostgresEngine}. */
public record DatabaseCoordinates(String host, int port, String database, String username, String password) {

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public String r2dbcUrl() {
        return "r2dbc:postgresql://" + host + ":" + port + "/" + database;
    }
}
