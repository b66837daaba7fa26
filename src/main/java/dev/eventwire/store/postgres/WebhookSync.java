package dev.eventwire.store.postgres;

import dev.eventwire.webhooks.WebhookRegistry;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Keeps this replica's in-memory webhooks in step with changes any replica commits. The webhook epoch
 * moves in every webhook transaction; an ingest transaction compares it with the epoch its registry was
 * loaded at, before fan-out, and reloads when it moved. So an event acknowledged after a webhook change
 * was acknowledged (by any replica) is fanned out against that change. A background refresh does the
 * same every few hundred milliseconds so the delivery engine learns of new webhooks too.
 */
final class WebhookSync {
    private final PgWebhookStore store;
    private final WebhookRegistry registry;
    private volatile long loadedEpoch = -1;

    WebhookSync(PgWebhookStore store, WebhookRegistry registry) {
        this.store = store;
        this.registry = registry;
    }

    /**
     * In an ingest transaction, before fan-out: brings the registry up to every webhook change committed or
     * committing (read committed: the epoch is read after any change holding the lock has committed).
     */
    void syncForFanOut(Connection c) throws SQLException {
        PgWebhookStore.orderAfterCommittingChanges(c);
        sync(c);
    }

    /**
     * Runs a local registry update of a change this replica committed, then marks the registry stale so
     * that the next sync reloads it: the update may be older than what a sync loaded in the meantime.
     */
    synchronized void afterLocalChange(Runnable registryUpdate) {
        registryUpdate.run();
        loadedEpoch = -1;
    }

    /** Brings the registry up to the epoch visible on {@code c}; cheap when nothing changed. */
    void sync(Connection c) throws SQLException {
        long epoch = PgWebhookStore.epoch(c);
        if (epoch == loadedEpoch) return;
        synchronized (this) {
            if (epoch == loadedEpoch) return;
            // Read after the epoch: the list is at least as new as the epoch recorded for it.
            registry.replaceAll(store.loadActive(c));
            loadedEpoch = epoch;
        }
    }
}
