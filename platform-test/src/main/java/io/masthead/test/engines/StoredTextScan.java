package io.masthead.test.engines;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Looks for values (secrets) in everything a PostgreSQL server stores: every text, character, json, jsonb and bytea
 * column of every table of every database of the server (a bytea is searched for the value's UTF-8 bytes). For the
 * tests that prove a secret is never stored in clear: search for the secret and for its base64 as well.
 */
public final class StoredTextScan {

    private StoredTextScan() {
    }

    /** The secret itself, its base64, and its base64 without padding: the forms a careless store would write. */
    public static List<String> formsOf(String secret) {
        String base64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        return List.of(secret, base64, base64.replace("=", ""));
    }

    /**
     * Where any of {@code needles} occurs, as {@code database.schema.table.column: needle #i} (the needle's index, never
     * the value: it is a secret), in every database of the server of {@code any} (one of its databases), templates
     * aside. Empty when found nowhere.
     */
    public static List<String> everywhere(DatabaseCoordinates any, List<String> needles) {
        List<String> found = new ArrayList<>();
        for (String database : databases(any)) {
            found.addAll(in(new DatabaseCoordinates(any.host(), any.port(), database, any.username(), any.password()),
                    needles));
        }
        return found;
    }

    /** The databases of the server of {@code any}, templates aside. */
    public static List<String> databases(DatabaseCoordinates any) {
        List<String> names = new ArrayList<>();
        try (Connection connection = connect(any);
                ResultSet rows = connection.createStatement().executeQuery(
                        "SELECT datname FROM pg_database WHERE NOT datistemplate AND datallowconn ORDER BY datname")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the databases of " + any.host() + ":" + any.port(), e);
        }
        return names;
    }

    /** Where any of {@code needles} occurs in {@code database}, as {@code database.schema.table.column: needle #i}. */
    public static List<String> in(DatabaseCoordinates database, List<String> needles) {
        List<String> found = new ArrayList<>();
        try (Connection connection = connect(database)) {
            List<String[]> columns = new ArrayList<>();
            try (ResultSet rows = connection.createStatement().executeQuery("""
                    SELECT c.table_schema, c.table_name, c.column_name, c.data_type
                      FROM information_schema.columns c
                      JOIN information_schema.tables t USING (table_schema, table_name)
                     WHERE t.table_type = 'BASE TABLE'
                       AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
                       AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea',
                                           'ARRAY', 'USER-DEFINED')""")) {
                while (rows.next()) {
                    columns.add(new String[] {rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4)});
                }
            }
            for (String[] column : columns) {
                String table = quote(column[0]) + "." + quote(column[1]);
                String value = column[3].equals("bytea")
                        ? "position(convert_to(?, 'UTF8') in " + quote(column[2]) + ") > 0"
                        : "strpos(" + quote(column[2]) + "::text, ?) > 0";
                for (int i = 0; i < needles.size(); i++) {
                    try (PreparedStatement query = connection.prepareStatement(
                            "SELECT count(*) FROM " + table + " WHERE " + value)) {
                        query.setString(1, needles.get(i));
                        try (ResultSet count = query.executeQuery()) {
                            count.next();
                            if (count.getLong(1) > 0) {
                                found.add(database.database() + "." + column[0] + "." + column[1] + "." + column[2]
                                        + ": needle #" + i);
                            }
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot scan database " + database.database(), e);
        }
        return found;
    }

    /** How many text-like columns {@link #in} searches in {@code database} (so a test can see the scan is not empty). */
    public static int columnsIn(DatabaseCoordinates database) {
        try (Connection connection = connect(database);
                ResultSet rows = connection.createStatement().executeQuery("""
                        SELECT count(*) FROM information_schema.columns c
                          JOIN information_schema.tables t USING (table_schema, table_name)
                         WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
                           AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea',
                                               'ARRAY', 'USER-DEFINED')""")) {
            rows.next();
            return rows.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot scan database " + database.database(), e);
        }
    }

    private static Connection connect(DatabaseCoordinates database) throws SQLException {
        return DriverManager.getConnection(database.jdbcUrl(), database.username(), database.password());
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
