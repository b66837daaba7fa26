package dev.eventwire.store;

import dev.eventwire.store.duckdb.DuckDbBackend;
import dev.eventwire.support.Ids;
import dev.eventwire.support.Json;
import dev.eventwire.support.MutableClock;
import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.WebhookRegistry;
import java.nio.file.Path;
import java.time.Duration;

/** The store contract against the embedded DuckDB adapter, on a real database file. */
class DuckDbStoreContractTest extends StoreContractTest {
    @Override
    StoreBackend backend(Path dir, MutableClock clock, Duration lease, WebhookRegistry registry) {
        return new DuckDbBackend(dir, new Ids(clock), clock, lease, new FiltersCodec(new Json()), new LocalReplica("test", "test", clock.instant()),
                dev.eventwire.delivery.WebhookHealthRule.disablingAfter(java.time.Duration.ofDays(5)),
                dev.eventwire.support.CommitObserver.NONE);
    }
}
