package dev.eventwire.events;

/**
 * A delivery created in the ingest transaction: one (webhook, event) pair with its stable message id.
 * {@code inline}: created leased, to be handed to the engine in memory right after the commit;
 * {@code seq}: its sequence number in the store; {@code lease}: the token of the lease it was created
 * with when inline.
 */
public record QueuedDelivery(String tenant, String webhookId, String eventId, String messageId, boolean inline, long seq, long lease) {
}
