package dev.eventwire.store;

import dev.eventwire.events.IngestListener;
import dev.eventwire.metrics.MetricDefinitions;
import dev.eventwire.store.duckdb.DuckDbDatabase;
import dev.eventwire.store.duckdb.DuckDbDeliveryStore;
import dev.eventwire.store.duckdb.DuckDbEventStore;
import dev.eventwire.store.duckdb.DuckDbMetricStore;
import dev.eventwire.store.duckdb.DuckDbWebhookStore;
import dev.eventwire.store.duckdb.GroupCommitWriter;
import dev.eventwire.support.Ids;
import dev.eventwire.support.Json;
import dev.eventwire.support.MutableClock;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.WebhookRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The store contract against the embedded DuckDB adapter, on a real database file. */
class DuckDbStoreContractTest extends StoreContractTest {
    @Override
    Stores open(Path dir, MutableClock clock, Duration lease, dev.eventwire.events.InlineAdmission admission) {
        DuckDbDatabase database = DuckDbDatabase.open(dir);
        GroupCommitWriter ingest = new GroupCommitWriter(database, "test-ingest");
        GroupCommitWriter delivery = new GroupCommitWriter(database, "test-delivery");
        GroupCommitWriter rollup = new GroupCommitWriter(database, "test-rollup");
        Ids ids = new Ids(clock);
        WebhookRegistry registry = new WebhookRegistry();
        DuckDbDeliveryStore deliveries = new DuckDbDeliveryStore(database, delivery, ids, clock, lease);
        DuckDbWebhookStore webhooks = new DuckDbWebhookStore(database, ingest, new FiltersCodec(new Json()));
        dev.eventwire.metrics.MetricCatalog catalog = MetricDefinitions.load(Optional.empty());
        DuckDbMetricStore metrics = new DuckDbMetricStore(database, ingest, rollup, catalog);
        DuckDbEventStore events = new DuckDbEventStore(database, ingest, deliveries, metrics,
                new dev.eventwire.metrics.LiveRollups(catalog, metrics, clock), registry, admission,
                IngestListener.all(List.of()));
        ingest.start();
        delivery.start();
        rollup.start();
        return new Stores(events, deliveries, webhooks, registry, metrics, () -> {
            ingest.close();
            delivery.close();
            rollup.close();
            database.close();
        });
    }
}
