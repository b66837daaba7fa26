package dev.eventwire.delivery;

/**
 * One attempt to make: which delivery, which attempt number it is (total, 1-based, monotonic: it is
 * also the {@code eventwire-attempt} header), its place in the current attempt budget, the canonical
 * body to send, and the delivery's sequence number in the store (its outcome finds it by that).
 */
public record DeliveryJob(String tenant, String webhookId, String eventId, String messageId, String eventType,
                          int attempt, int attemptInBudget, Trigger trigger, String body, long seq) {

    public DeliveryKey key() {
        return new DeliveryKey(webhookId, eventId);
    }
}
