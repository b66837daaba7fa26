package dev.eventwire.webhooks;

import dev.eventwire.events.FanOut;
import dev.eventwire.events.NewEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The active webhooks, in memory, for fan-out and for the delivery engine. The store is the source of
 * truth: the registry is loaded from it at start and updated right after each webhook write commits, on
 * the writer thread, so an ingest transaction always fans out against the webhooks committed before it.
 */
public final class WebhookRegistry implements FanOut {
    private final Map<String, Webhook> byId = new ConcurrentHashMap<>();
    private final Map<String, List<Webhook>> activeByTenant = new ConcurrentHashMap<>();

    public void load(Collection<Webhook> webhooks) {
        webhooks.forEach(this::put);
    }

    /**
     * Replaces everything with the active webhooks just read from the store (another process changed
     * some). Each tenant's list is swapped whole, so fan-out never sees half of a tenant's change.
     */
    public synchronized void replaceAll(Collection<Webhook> active) {
        java.util.Set<String> tenants = new java.util.HashSet<>(activeByTenant.keySet());
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Webhook w : active) {
            byId.put(w.id(), w);
            ids.add(w.id());
            tenants.add(w.tenant());
        }
        byId.keySet().removeIf(id -> !ids.contains(id));
        tenants.forEach(this::rebuildTenant);
    }

    /** Records the committed state of a webhook (created, updated, disabled). */
    public void put(Webhook webhook) {
        byId.put(webhook.id(), webhook);
        rebuildTenant(webhook.tenant());
    }

    public void remove(Webhook webhook) {
        byId.remove(webhook.id());
        rebuildTenant(webhook.tenant());
    }

    /** The webhook if it exists and is active. */
    public Optional<Webhook> active(String id) {
        Webhook w = byId.get(id);
        return w != null && w.active() ? Optional.of(w) : Optional.empty();
    }

    /** Whether there are active webhooks and {@code test} holds for every one's id; stops at the first that fails. */
    public boolean everyActive(Predicate<String> test) {
        boolean any = false;
        for (List<Webhook> tenant : activeByTenant.values()) {
            for (Webhook w : tenant) {
                if (!test.test(w.id())) return false;
                any = true;
            }
        }
        return any;
    }

    @Override
    public Optional<String> entityKeyFor(String webhookId, NewEvent event) {
        Webhook w = byId.get(webhookId);
        return w == null ? Optional.empty() : w.entityKeyFor(event);
    }

    @Override
    public List<String> webhooksFor(NewEvent event) {
        List<Webhook> candidates = activeByTenant.getOrDefault(event.tenant(), List.of());
        List<String> ids = new ArrayList<>(candidates.size());
        for (Webhook w : candidates) {
            if (w.filters().matches(event)) ids.add(w.id());
        }
        return ids;
    }

    private void rebuildTenant(String tenant) {
        // Copy-on-write per tenant: fan-out reads an immutable list without locks.
        List<Webhook> active = byId.values().stream().filter(w -> w.tenant().equals(tenant) && w.active()).toList();
        if (active.isEmpty()) activeByTenant.remove(tenant);
        else activeByTenant.put(tenant, active);
    }
}
