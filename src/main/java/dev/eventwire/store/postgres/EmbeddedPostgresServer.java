package dev.eventwire.store.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL server run from Maven artifacts, on 127.0.0.1, for the cluster demo, the cluster
 * benchmark and the tests. Not for production: there, point {@code --database-url} at a managed server.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts a server whose files live in {@code dataDir} (kept across restarts of the server). */
    public static EmbeddedPostgresServer start(Path dataDir, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "300")
                    // The embedding library turns both off (fast, for throwaway test databases); a commit here
                    // must be on disk when PostgreSQL answers, as on a real server, or the cluster's
                    // durability and the figures measured over it would not be PostgreSQL's.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("log_lock_waits", "on")
                    // Its own log next to its data folder (deadlocks and lock waits with their statements).
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile(dataDir)))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile(dataDir)));
            if (port > 0) builder.setPort(port);
            return new EmbeddedPostgresServer(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static java.io.File logFile(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile();
    }

    public int port() {
        return postgres.getPort();
    }

    /** A new, empty database on this server; returns its URL in the form {@code --database-url} takes. */
    public String createDatabase(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) throw new IllegalArgumentException("bad database name: " + name);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    public String url(String database) {
        return "postgresql://postgres:postgres@127.0.0.1:" + port() + "/" + database;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
