package dev.eventwire.webhooks;

import java.util.List;
import java.util.Optional;

/**
 * Port: webhooks. Writes take an {@code afterCommit} action that runs right after the commit and before
 * any later write (the registry update), so fan-out never sees a webhook state that is not committed.
 */
public interface WebhookStore {
    List<Webhook> loadActive();

    void insert(Webhook webhook, Runnable afterCommit);

    /** Saves new state; when the webhook stops being active, its pending deliveries become dead ("webhook removed"). */
    void update(Webhook webhook, boolean parkPending, Runnable afterCommit);

    /** Removes the webhook; its pending deliveries become dead ("webhook removed"). */
    void delete(Webhook webhook, Runnable afterCommit);

    Optional<Webhook> find(String tenant, String id);

    List<Webhook> list(String tenant);
}
