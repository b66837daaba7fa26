package dev.eventwire.webhooks;

import java.time.Instant;

/** The secret a webhook had before its last rotation, still signed with until {@code validUntil} (exclusive). */
public record PreviousSecret(String secret, Instant validUntil) {
    public boolean validAt(Instant at) {
        return at.isBefore(validUntil);
    }
}
