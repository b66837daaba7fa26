package dev.eventwire.delivery;

import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of one attempt ({@code seq}: the delivery's sequence number in the store, 0 for test sends;
 * {@code lease}: the token of the lease it was attempted under, see {@link DeliveryJob}), to be written: the attempt-log row and the delivery's new state. Writing
 * the same record twice changes nothing the second time (the attempt id is derived from the message id
 * and attempt number, and the state change applies only while the delivery still awaits this attempt).
 */
public record AttemptRecord(String tenant, String webhookId, String eventId, String messageId, String eventType, int attempt, Trigger trigger,
                            Optional<Integer> statusCode, boolean success, Optional<String> error, long durationMillis,
                            String responseBody, Instant attemptedAt,
                            DeliveryStatus newStatus, Optional<Instant> nextAttemptAt, Optional<String> disableWebhookReason, long seq,
                            long lease) {

    /** What a receiver answered, and errors that may quote it, are kept as storable text. */
    public AttemptRecord {
        error = dev.eventwire.support.StorableText.of(error);
        responseBody = dev.eventwire.support.StorableText.of(responseBody);
    }

    /** When the answer, timeout or error came back: the delivery's state changes then, and a retry counts from then. */
    public Instant answeredAt() {
        return attemptedAt.plusMillis(durationMillis);
    }

    public String attemptId() {
        return "att_" + messageId.substring(messageId.indexOf('_') + 1) + "_" + attempt + (trigger == Trigger.TEST ? "t" : "");
    }
}
