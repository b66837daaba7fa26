package dev.eventwire.delivery;

/**
 * One attempt to make: which delivery, which attempt number it is (total, 1-based, monotonic: it is
 * also the {@code eventwire-attempt} header), its place in the current attempt budget, the canonical
 * body to send, the delivery's sequence number in the store (its outcome finds it by that) and the
 * token of the lease under which it was claimed: a store shared by replicas records an outcome only
 * with the token of the delivery's current lease, so a replica that was paused past its lease cannot
 * overwrite the result of the one that took the delivery over (a single-owner store uses 0).
 */
public record DeliveryJob(String tenant, String webhookId, String eventId, String messageId, String eventType,
                          int attempt, int attemptInBudget, Trigger trigger, String body, long seq, long lease) {

    public DeliveryKey key() {
        return new DeliveryKey(webhookId, eventId);
    }
}
