package dev.eventwire;

import dev.eventwire.auth.AdminKeyFile;
import dev.eventwire.auth.AuthService;
import dev.eventwire.auth.KeyHasher;
import dev.eventwire.events.EventValidator;
import dev.eventwire.events.FanOut;
import dev.eventwire.events.IngestListener;
import dev.eventwire.events.IngestService;
import dev.eventwire.http.Api;
import dev.eventwire.http.HttpServer;
import dev.eventwire.store.duckdb.DuckDbDatabase;
import dev.eventwire.store.duckdb.DuckDbEventStore;
import dev.eventwire.store.duckdb.DuckDbKeyStore;
import dev.eventwire.store.duckdb.GroupCommitWriter;
import dev.eventwire.support.Ids;
import dev.eventwire.support.Json;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * The composition root: builds every part by constructor from a {@link ServeConfig}, starts them in
 * dependency order and stops them in reverse.
 */
public final class App implements AutoCloseable {
    private final DuckDbDatabase database;
    private final GroupCommitWriter writer;
    private final HttpServer http;
    private final String adminKey;
    private volatile boolean running;

    private App(ServeConfig config, Clock clock, Consumer<String> announce) {
        Json json = new Json();
        Ids ids = new Ids(clock);
        this.adminKey = AdminKeyFile.resolve(config.adminKey(), config.dataDir(), ids, announce);
        this.database = DuckDbDatabase.open(config.dataDir());
        this.writer = new GroupCommitWriter(database, "eventwire-writer");
        try {
            DuckDbEventStore events = new DuckDbEventStore(database, writer, (c, accepted, fanOut) -> List.of(), FanOut.NONE, IngestListener.NONE);
            AuthService auth = new AuthService(new DuckDbKeyStore(database, writer), new KeyHasher(), ids, clock, adminKey);
            IngestService ingest = new IngestService(events, new EventValidator(json, ids), json, clock);
            writer.start();
            this.http = Api.server(auth, ingest, events, json, () -> running);
            http.start(config.host(), config.port());
            running = true;
        } catch (RuntimeException e) {
            writer.close();
            database.close();
            throw e;
        }
    }

    public static App start(ServeConfig config, Clock clock, Consumer<String> announce) {
        return new App(config, clock, announce);
    }

    public int port() {
        return http.port();
    }

    public String adminKey() {
        return adminKey;
    }

    /** Graceful stop: no new requests, in-flight ones answered, queued writes committed, store closed. */
    @Override
    public void close() {
        running = false;
        http.close();
        writer.close();
        database.close();
    }
}
