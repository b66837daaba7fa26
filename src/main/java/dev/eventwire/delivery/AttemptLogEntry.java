package dev.eventwire.delivery;

import java.time.Instant;
import java.util.Optional;

/** One row of a webhook's attempt log. */
public record AttemptLogEntry(String attemptId, String webhookId, String eventId, String messageId, int attempt, Trigger trigger,
                              Optional<Integer> statusCode, boolean success, Optional<String> error, long durationMillis,
                              String responseBody, Instant attemptedAt) {
}
