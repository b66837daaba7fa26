package dev.eventwire.store.duckdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned schema migrations, applied in order at start, each in its own transaction, recorded in
 * {@code schema_version}. Nothing creates tables lazily on a request path.
 */
final class Migrations {
    /** In order; a file's number is its version. Never edit one that has shipped: add the next. */
    static final List<String> FILES = List.of("V1__core.sql", "V2__webhooks.sql", "V3__metrics.sql", "V4__delivery_queue.sql",
            "V5__secret_rotation.sql", "V6__rate_limit.sql", "V7__webhook_health.sql",
            "V8__entity_ordering.sql", "V9__event_log_without_index.sql");

    private Migrations() {
    }

    static int apply(Connection connection) throws SQLException {
        return apply(connection, FILES.size());
    }

    /** Applies the migrations up to version {@code upTo} (tests stop part way to crash in between). */
    static int apply(Connection connection, int upTo) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_us BIGINT NOT NULL)");
        }
        int current = currentVersion(connection);
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            for (int i = current; i < upTo; i++) {
                String file = FILES.get(i);
                try (Statement st = connection.createStatement()) {
                    for (String sql : statements(read(file))) st.execute(sql);
                }
                try (PreparedStatement ps = connection.prepareStatement("INSERT INTO schema_version VALUES (?, ?, ?)")) {
                    ps.setInt(1, i + 1);
                    ps.setString(2, file);
                    ps.setLong(3, System.currentTimeMillis() * 1000);
                    ps.executeUpdate();
                }
                connection.commit();
            }
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return FILES.size();
    }

    static int currentVersion(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
            rs.next();
            int version = rs.getInt(1);
            if (version > FILES.size()) {
                throw new SQLException("the data folder has schema version " + version + ", newer than this build knows (" + FILES.size() + ")");
            }
            return version;
        }
    }

    private static List<String> statements(String script) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) withoutComments.append(line).append('\n');
        }
        return java.util.Arrays.stream(withoutComments.toString().split(";"))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String read(String file) {
        try (InputStream in = Migrations.class.getResourceAsStream("/db/duckdb/" + file)) {
            if (in == null) throw new IllegalStateException("migration " + file + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
