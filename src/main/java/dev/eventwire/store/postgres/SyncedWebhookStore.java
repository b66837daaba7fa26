package dev.eventwire.store.postgres;

import dev.eventwire.webhooks.Webhook;
import dev.eventwire.webhooks.WebhookStore;
import java.util.List;
import java.util.Optional;

/**
 * The webhook store as a replica's API uses it: after a change commits, the caller's action updates this
 * replica's in-memory webhooks with what it wrote — which, with other replicas writing too, may already be
 * older than what a refresh loaded meanwhile (this replica's change committed, another replica's after it,
 * the refresh took that one, then this action put the older state back). So the action runs with the
 * refresh held off, and leaves the registry marked stale: the next fan-out or refresh reloads it from the
 * database instead of trusting it until some later webhook change.
 */
final class SyncedWebhookStore implements WebhookStore {
    private final PgWebhookStore store;
    private final WebhookSync sync;

    SyncedWebhookStore(PgWebhookStore store, WebhookSync sync) {
        this.store = store;
        this.sync = sync;
    }

    @Override
    public List<Webhook> loadActive() {
        return store.loadActive();
    }

    @Override
    public boolean insert(Webhook webhook, int maxPerTenant, Runnable afterCommit) {
        return store.insert(webhook, maxPerTenant, () -> sync.afterLocalChange(afterCommit));
    }

    @Override
    public boolean update(Webhook webhook, java.time.Instant readAt, boolean parkPending, Runnable afterCommit) {
        return store.update(webhook, readAt, parkPending, () -> sync.afterLocalChange(afterCommit));
    }

    @Override
    public boolean delete(Webhook webhook, Runnable afterCommit) {
        return store.delete(webhook, () -> sync.afterLocalChange(afterCommit));
    }

    @Override
    public Optional<Webhook> find(String tenant, String id) {
        return store.find(tenant, id);
    }

    @Override
    public List<Webhook> list(String tenant, int limit, Optional<String> afterId) {
        return store.list(tenant, limit, afterId);
    }
}
