package dev.eventwire.events;

/**
 * Asked in the ingest transaction, once per new delivery: will the delivery engine take this delivery in
 * memory right after the commit? If so it is created leased (nobody else claims it while it is handed
 * over); if not it is created unleased and flows in from the store as the webhook's lane makes room, so a
 * burst never waits for a lease to lapse.
 */
@FunctionalInterface
public interface InlineAdmission {
    boolean admitsInline(String webhookId);

    /** Everything goes through the store (no engine running). */
    InlineAdmission NONE = webhookId -> false;
}
