package dev.eventwire.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * A validated event ready to be stored. {@code body} is its canonical JSON, built once at ingest and
 * sent byte-for-byte on every delivery attempt; {@code data} is the parsed data object, for filters
 * and metrics (never mutated after validation).
 */
public record NewEvent(String tenant, String eventId, String eventType, Optional<String> entityId,
                       Instant occurredAt, Instant receivedAt, ObjectNode data, String body) {
}
