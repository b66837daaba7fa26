package dev.eventwire.events;

import java.time.Instant;

/** One event type a tenant has sent: how many in the last 24 hours and when it was last received. */
public record EventTypeStats(String eventType, long count24h, Instant lastSeenAt) {
}
