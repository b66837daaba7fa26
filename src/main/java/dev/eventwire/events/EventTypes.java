package dev.eventwire.events;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The event types a tenant sends, for discovery (which filters to write, what to subscribe to). */
public final class EventTypes {
    /** More distinct types than this in one tenant is a sign of ids in type names; the list stops there. */
    public static final int MAX_LISTED = 1000;
    private static final Duration RECENT = Duration.ofHours(24);

    private final EventStore store;
    private final Clock clock;

    public EventTypes(EventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public List<EventTypeStats> of(String tenant) {
        return store.eventTypes(tenant, clock.instant().minus(RECENT), MAX_LISTED);
    }
}
