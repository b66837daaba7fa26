package dev.eventwire.delivery;

import java.time.Instant;
import java.util.Optional;

/** A delivery as clients see it. */
public record Delivery(long seq, String webhookId, String eventId, String messageId, String eventType, DeliveryStatus status,
                       int attempts, Optional<Instant> nextAttemptAt, Optional<Integer> lastStatusCode, Optional<String> lastError,
                       Instant createdAt, Instant updatedAt) {
}
