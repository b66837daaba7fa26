package dev.eventwire.webhooks;

import java.util.List;
import java.util.Optional;

/**
 * Port: webhooks. Writes take an {@code afterCommit} action that runs right after the commit and before
 * any later write (the registry update), so fan-out never sees a webhook state that is not committed.
 */
public interface WebhookStore {
    List<Webhook> loadActive();

    /**
     * Inserts the webhook unless its tenant already has {@code maxPerTenant} webhooks (deleted ones do not
     * count); checked in the same transaction, so concurrent creates cannot overshoot. False when refused.
     */
    boolean insert(Webhook webhook, int maxPerTenant, Runnable afterCommit);

    /**
     * Saves new state, provided the stored webhook is still the one read (its {@code updated_at} is still
     * {@code readAt}) and not deleted; false, with nothing changed and {@code afterCommit} not run, when
     * another change came first. When the webhook stops being active, its pending deliveries become dead
     * ("webhook removed").
     */
    boolean update(Webhook webhook, java.time.Instant readAt, boolean parkPending, Runnable afterCommit);

    /** Removes the webhook; its pending deliveries become dead ("webhook removed"). False when it was already removed. */
    boolean delete(Webhook webhook, Runnable afterCommit);

    Optional<Webhook> find(String tenant, String id);

    /** The tenant's webhooks, newest first, at most {@code limit}, starting after the id {@code afterId} if given. */
    List<Webhook> list(String tenant, int limit, Optional<String> afterId);
}
