package dev.eventwire.store.duckdb;

import dev.eventwire.support.StoreConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied in order at start, each in its own transaction, recorded in the
 * {@code schema_version} table of the file it changes. Nothing creates tables lazily on a request path.
 *
 * <p>The steps of both files form one sequence: moving the delivery tables out of the event log file
 * copies them into the delivery file (one transaction there) before the event log drops them (one
 * transaction here), and each file's version says how far it got, so a crash between any two steps
 * leaves the next start with exactly the steps still to do.
 */
final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);
    /** One step: a script of the file with catalog {@code catalog}, where it becomes version {@code version}. */
    record Step(String catalog, int version, String file) {
    }

    /** The event log file's scripts, in order; a file's number is its version. Never edit one that has shipped: add the next. */
    static final List<String> FILES = List.of("V1__core.sql", "V2__webhooks.sql", "V3__metrics.sql", "V4__delivery_queue.sql",
            "V5__secret_rotation.sql", "V6__rate_limit.sql", "V7__webhook_health.sql",
            "V8__entity_ordering.sql", "V9__event_log_without_index.sql", "V10__fan_out_in_event_log.sql", "V11__delivery_tables_moved.sql",
            "V12__ingest_journal.sql", "V13__webhook_changes_unreported.sql", "V14__webhook_url_credentials.sql", "V15__cursor_key.sql");
    /** The delivery file's scripts. */
    static final List<String> DELIVERY_FILES = List.of("D1__delivery_file.sql", "D2__moved_from_event_log.sql", "D3__dead_unreported.sql");

    /** Every step in the order it runs: the delivery file is complete before the event log drops its copy. */
    static final List<Step> STEPS;

    static {
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < 10; i++) steps.add(new Step(DuckDbDatabase.CATALOG, i + 1, FILES.get(i)));
        for (int i = 0; i < 2; i++) steps.add(new Step(DuckDbDatabase.DELIVERY_CATALOG, i + 1, DELIVERY_FILES.get(i)));
        for (int i = 10; i < FILES.size(); i++) steps.add(new Step(DuckDbDatabase.CATALOG, i + 1, FILES.get(i)));
        // Added since the move: after every step before them.
        for (int i = 2; i < DELIVERY_FILES.size(); i++) steps.add(new Step(DuckDbDatabase.DELIVERY_CATALOG, i + 1, DELIVERY_FILES.get(i)));
        STEPS = List.copyOf(steps);
    }

    private Migrations() {
    }

    static void apply(Connection connection) throws SQLException {
        apply(connection, STEPS.size());
    }

    /** Applies the first {@code upTo} steps (tests stop part way to crash in between); the connection ends using the event log. */
    static void apply(Connection connection, int upTo) throws SQLException {
        Map<String, Integer> before = new LinkedHashMap<>();
        for (String catalog : List.of(DuckDbDatabase.CATALOG, DuckDbDatabase.DELIVERY_CATALOG)) {
            use(connection, catalog);
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_us BIGINT NOT NULL)");
            }
            before.put(catalog, currentVersion(connection)); // refuses a file newer than this build
        }
        try {
            for (Step step : STEPS.subList(0, upTo)) {
                use(connection, step.catalog());
                if (currentVersion(connection) >= step.version()) continue;
                try {
                    Transaction.run(connection, c -> {
                        try (Statement st = c.createStatement()) {
                            for (String sql : statements(read(step.file()))) st.execute(sql);
                        }
                        try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version VALUES (?, ?, ?)")) {
                            ps.setInt(1, step.version());
                            ps.setString(2, step.file());
                            ps.setLong(3, System.currentTimeMillis() * 1000);
                            ps.executeUpdate();
                        }
                        return null;
                    });
                } catch (SQLException e) {
                    throw new SQLException("migration " + step.file() + " failed: " + e.getMessage(), e);
                }
            }
            sayUpgraded(connection, before);
        } finally {
            use(connection, DuckDbDatabase.CATALOG);
        }
    }

    /**
     * One line per file an older build wrote that this start brought up to date: an upgrade happened, and
     * that build no longer opens the file. A file created by this start (a new data folder) says nothing.
     */
    private static void sayUpgraded(Connection connection, Map<String, Integer> before) throws SQLException {
        for (Map.Entry<String, Integer> file : before.entrySet()) {
            use(connection, file.getKey());
            int now = currentVersion(connection);
            if (file.getValue() > 0 && now > file.getValue()) {
                log.info("migrated {} from schema version {} to {}; builds older than this one no longer open it", path(connection, file.getKey()),
                        file.getValue(), now);
            }
        }
    }

    private static void use(Connection connection, String catalog) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("USE " + catalog);
        }
    }

    /** The version of the file the connection uses; refuses one newer than this build knows. */
    static int currentVersion(Connection connection) throws SQLException {
        String catalog;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            catalog = rs.getString(1);
        }
        int known = catalog.equals(DuckDbDatabase.DELIVERY_CATALOG) ? DELIVERY_FILES.size() : FILES.size();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM " + catalog + ".main.schema_version")) {
            rs.next();
            int version = rs.getInt(1);
            // A file from a newer build (a downgrade) stays newer however often the start is retried: a
            // configuration error (exit 2), not an unavailable store a supervisor should restart.
            if (version > known) {
                throw new StoreConfigurationException(path(connection, catalog) + " has schema version " + version + ", newer than this build knows ("
                        + known + "); run a newer Eventwire", null);
            }
            return version;
        }
    }

    /** The file a catalog is attached from, as the operator finds it in the data folder. */
    private static String path(Connection connection, String catalog) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT path FROM duckdb_databases() WHERE database_name = ?")) {
            ps.setString(1, catalog);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "the data folder's " + catalog + " file";
            }
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
