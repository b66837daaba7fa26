package dev.eventwire.store;

import dev.eventwire.ServeConfig;
import dev.eventwire.Version;
import dev.eventwire.store.duckdb.DuckDbBackend;
import dev.eventwire.support.Ids;
import dev.eventwire.webhooks.FiltersCodec;
import java.time.Clock;
import java.time.Duration;

/** Picks the storage backend from the configuration: the embedded DuckDB file unless a database URL is given. */
public final class StoreFactory {
    private StoreFactory() {
    }

    public static StoreBackend open(ServeConfig config, Ids ids, Clock clock, Duration lease, FiltersCodec filters) {
        ServeConfig.Storage storage = config.storage();
        return new DuckDbBackend(config.dataDir(), ids, clock, lease, filters, new LocalReplica(storage.replicaId(), Version.current(), clock.instant()));
    }
}
