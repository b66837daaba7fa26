package dev.eventwire.delivery;

import java.util.Optional;

/**
 * A delivery a replay asks for: a past event (at log position {@code eventSeq}), the message id it gets,
 * and its entity when the webhook orders deliveries per entity.
 */
public record ReplayDelivery(String tenant, String eventId, String eventType, long eventSeq, String messageId, Optional<String> entityKey) {
}
