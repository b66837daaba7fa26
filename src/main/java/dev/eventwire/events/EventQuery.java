package dev.eventwire.events;

import dev.eventwire.support.PageRequest;
import java.util.Optional;

/** Filters of {@code GET /v1/events}; {@code eventTypePrefix} matches by dotted prefix. */
public record EventQuery(String tenant, Optional<String> eventTypePrefix, Optional<String> entityId, PageRequest page) {
}
