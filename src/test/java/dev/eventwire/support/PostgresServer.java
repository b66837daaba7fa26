package dev.eventwire.support;

import dev.eventwire.bench.LocalServer;
import dev.eventwire.store.postgres.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real PostgreSQL server for the whole test run (started on first use, stopped at the end), handed
 * to tests that ask for a {@link PostgresServer.Handle}; each test creates its own database on it.
 */
public final class PostgresServer implements ParameterResolver {

    /** The running server and a counter for fresh database names. */
    public static final class Handle implements AutoCloseable {
        private final EmbeddedPostgresServer server;
        private final Path dir;
        private final AtomicInteger databases = new AtomicInteger();

        Handle(EmbeddedPostgresServer server, Path dir) {
            this.server = server;
            this.dir = dir;
        }

        /** A new, empty database; its URL as {@code --database-url} takes it. */
        public String freshDatabase() {
            return server.createDatabase("t" + databases.incrementAndGet());
        }

        public EmbeddedPostgresServer server() {
            return server;
        }

        /** Stops the server and deletes its data folder (hundreds of MB of WAL each run would otherwise pile up). */
        @Override
        public void close() {
            server.close();
            LocalServer.deleteFolder(dir);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Handle.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(PostgresServer.class, k -> start(), Handle.class);
    }

    private static Handle start() {
        try {
            Path dir = Files.createTempDirectory("eventwire-test-pg");
            // The data folder and its log side by side in one folder, deleted together at the end.
            return new Handle(EmbeddedPostgresServer.start(dir.resolve("data"), 0), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
