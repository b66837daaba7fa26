package dev.eventwire.delivery;

import java.time.Instant;
import java.util.Optional;

/**
 * A delivery that ran out of attempts, as its death is reported ({@code attempts}: the attempt it died
 * at; a delivery retried by hand can die again, at a later one). Kept by the store until the report is
 * stored, so a crash in between does not lose it.
 */
public record DeadDelivery(long seq, String tenant, String webhookId, String eventId, String messageId, String eventType, int attempts,
                           Optional<String> lastError, Instant diedAt) {

    public static DeadDelivery of(AttemptRecord r) {
        return new DeadDelivery(r.seq(), r.tenant(), r.webhookId(), r.eventId(), r.messageId(), r.eventType(), r.attempt(), r.error(), r.attemptedAt());
    }
}
