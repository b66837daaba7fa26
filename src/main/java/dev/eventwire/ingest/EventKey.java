package dev.eventwire.ingest;

import dev.eventwire.events.NewEvent;

/** What makes an event unique: its id within its tenant. */
public record EventKey(String tenant, String eventId) {
    public static EventKey of(NewEvent e) {
        return new EventKey(e.tenant(), e.eventId());
    }
}
