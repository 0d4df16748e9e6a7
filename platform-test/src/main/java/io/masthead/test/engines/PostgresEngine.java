package io.masthead.test.engines;

/** A running PostgreSQL server. */
public interface PostgresEngine extends AutoCloseable {

    /**
     * The database {@code name}, created (CREATE DATABASE) if it does not exist yet.
     * Names are plain lower-case SQL identifiers ({@code [a-z_][a-z0-9_]*}).
     */
    DatabaseCoordinates database(String name);

    String host();

    int port();

    /** Stops the server and releases what it holds (temporary data is deleted). */
    @Override
    void close();

    static String checkDatabaseName(String name) {
        if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("Not a valid database name (use [a-z_][a-z0-9_]*): " + name);
        }
        return name;
    }
}
