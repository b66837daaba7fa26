package dev.eventwire.events;

import java.time.Instant;

/** An event as read back from the log: its canonical body, when it was received, and its log position. */
public record StoredEvent(long seq, String eventId, String eventType, Instant receivedAt, String body) {
}
