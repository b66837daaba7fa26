package dev.eventwire.delivery;

/** A delivery is one (webhook, event) pair. */
public record DeliveryKey(String webhookId, String eventId) {
}
