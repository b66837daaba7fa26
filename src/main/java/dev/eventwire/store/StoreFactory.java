package dev.eventwire.store;

import dev.eventwire.ServeConfig;
import dev.eventwire.Version;
import dev.eventwire.delivery.WebhookHealthRule;
import dev.eventwire.store.duckdb.DuckDbBackend;
import dev.eventwire.store.postgres.DatabaseUrl;
import dev.eventwire.store.postgres.PostgresBackend;
import dev.eventwire.support.StoreConfigurationException;
import dev.eventwire.webhooks.WebhookRegistry;
import dev.eventwire.support.CommitObserver;
import dev.eventwire.support.Ids;
import dev.eventwire.webhooks.FiltersCodec;
import java.time.Clock;
import java.time.Duration;

/** Picks the storage backend from the configuration: the embedded DuckDB file unless a database URL is given. */
public final class StoreFactory {
    private StoreFactory() {
    }

    /** Connections to PostgreSQL per replica: ingest and outcome writers, claims, and HTTP reads. */
    static final int POOL_SIZE = 16;

    /**
     * {@code registry}: the in-memory webhooks a shared store keeps in step with other replicas' changes;
     * {@code commits}: told how long each group commit takes.
     */
    public static StoreBackend open(ServeConfig config, Ids ids, Clock clock, Duration lease, FiltersCodec filters, WebhookRegistry registry,
                                    CommitObserver commits) {
        ServeConfig.Storage storage = config.storage();
        WebhookHealthRule health = WebhookHealthRule.disablingAfter(config.disableAfter());
        if (storage.databaseUrl().isPresent()) {
            DatabaseUrl url;
            try {
                url = DatabaseUrl.parse(storage.databaseUrl().get());
            } catch (IllegalArgumentException e) {
                throw new StoreConfigurationException(e.getMessage(), e);
            }
            return new PostgresBackend(url, POOL_SIZE, storage.replicaId(), Version.current(), clock, lease, filters, storage.secrets(), registry, health, commits);
        }
        return new DuckDbBackend(config.dataDir(), ids, clock, lease, filters, storage.secrets(), new LocalReplica(storage.replicaId(), Version.current(), clock.instant()),
                health, commits);
    }
}
