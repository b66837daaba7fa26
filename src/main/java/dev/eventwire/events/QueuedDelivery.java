package dev.eventwire.events;

/** A delivery created in the ingest transaction: one (webhook, event) pair with its stable message id. */
public record QueuedDelivery(String tenant, String webhookId, String eventId, String messageId) {
}
