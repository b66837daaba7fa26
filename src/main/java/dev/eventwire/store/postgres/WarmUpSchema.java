package dev.eventwire.store.postgres;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;

/**
 * A schema of its own in the shared database, for a replica's warm-up: the throwaway server runs its
 * migrations and traffic there, so the replica compiles the code of the store it will serve from
 * (the driver, the claim and outcome statements) without touching the real tables. Named after the
 * replica, so a replica that died while warming up drops its leftover at its next start; dropped with
 * everything in it when the warm-up ends.
 */
public final class WarmUpSchema implements AutoCloseable {
    private static final String PREFIX = "eventwire_warm_up_";
    private static final int MAX_IDENTIFIER = 63;

    private final DatabaseUrl url;
    private final String name;

    private WarmUpSchema(DatabaseUrl url, String name) {
        this.url = url;
        this.name = name;
    }

    /** Creates the replica's warm-up schema afresh; throws {@link SQLException} when the database refuses (no CREATE right, unreachable). */
    public static WarmUpSchema create(String databaseUrl, String replicaId) throws SQLException {
        DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
        WarmUpSchema schema = new WarmUpSchema(url, nameFor(replicaId));
        schema.execute("DROP SCHEMA IF EXISTS " + schema.name + " CASCADE");
        schema.execute("CREATE SCHEMA " + schema.name);
        return schema;
    }

    /** A schema name PostgreSQL takes unquoted: the replica id in lower case, anything but letters and digits as underscores. */
    static String nameFor(String replicaId) {
        String tail = replicaId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
        String name = PREFIX + tail;
        return name.length() <= MAX_IDENTIFIER ? name : name.substring(0, MAX_IDENTIFIER);
    }

    public String name() {
        return name;
    }

    /** The database URL whose connections use this schema (credentials included, as the driver takes them). */
    public String databaseUrl() {
        StringBuilder jdbc = new StringBuilder(url.jdbcUrl()).append(url.jdbcUrl().contains("?") ? '&' : '?').append("currentSchema=").append(name);
        url.user().ifPresent(u -> jdbc.append("&user=").append(URLEncoder.encode(u, StandardCharsets.UTF_8)));
        url.password().ifPresent(p -> jdbc.append("&password=").append(URLEncoder.encode(p, StandardCharsets.UTF_8)));
        return jdbc.toString();
    }

    private void execute(String sql) throws SQLException {
        Properties credentials = new Properties();
        url.user().ifPresent(u -> credentials.setProperty("user", u));
        url.password().ifPresent(p -> credentials.setProperty("password", p));
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), credentials); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Drops the schema and everything the warm-up left in it. */
    @Override
    public void close() throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
    }
}
