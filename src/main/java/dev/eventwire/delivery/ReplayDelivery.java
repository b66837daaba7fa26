package dev.eventwire.delivery;

/** A delivery a replay asks for: a past event (at log position {@code eventSeq}) and the message id it gets. */
public record ReplayDelivery(String tenant, String eventId, String eventType, long eventSeq, String messageId) {
}
