package dev.eventwire.store;

import dev.eventwire.auth.KeyStore;
import dev.eventwire.delivery.DeliveryStore;
import dev.eventwire.delivery.PendingDeliveries;
import dev.eventwire.events.EventStore;
import dev.eventwire.ingest.IngestCommit;
import dev.eventwire.metrics.MetricStore;
import dev.eventwire.webhooks.WebhookStore;
import java.util.Optional;

/**
 * The ports of one storage backend over one open database, and its lifecycle. The event store comes
 * last because its commit plan needs the delivery engine, which needs the delivery store.
 */
public interface StoreBackend extends AutoCloseable {
    /** "duckdb" or "postgresql", as /health reports it. */
    String name();

    /**
     * Whether other processes (replicas) write the same database. A shared store has no single owner:
     * what this process caches of webhooks, keys and metrics must be refreshed within a stated bound,
     * and leases are fenced by token.
     */
    boolean shared();

    DeliveryStore deliveries();

    WebhookStore webhooks();

    KeyStore keys();

    MetricStore metrics();

    EventStore events(IngestCommit commit);

    /** Counts the pending deliveries (for monitoring; a shared store counts those of every replica). */
    PendingDeliveries pendingDeliveries();

    /** Removes old rows in small steps. */
    dev.eventwire.retention.RetentionStore retention();

    /** The replicas writing this database, this one included; a single-owner store knows only itself. */
    ReplicaDirectory replicas();

    /** Consistent copies of the store written while it serves; empty for a database backed up by its own tools. */
    default Optional<dev.eventwire.backup.StoreSnapshots> snapshots() {
        return Optional.empty();
    }

    /** The key listing cursors are sealed with, the same for every process of this store; made by the first start (after {@link #start}). */
    byte[] cursorKey();

    /** Starts the background writers; the ports accept writes from then on. */
    void start();

    /** Why writes fail now, if they do; {@code fatal}: only reopening the store (a restart) helps. */
    Optional<WriteProblem> writeProblem();

    record WriteProblem(String reason, boolean fatal) {
    }

    /**
     * Why the store refused a write in the last minute, though it takes writes now (a nearly full disk
     * takes small writes and refuses large ones); empty when it refused none.
     */
    default Optional<String> recentRefusal() {
        return Optional.empty();
    }

    @Override
    void close();
}
