package dev.eventwire.events;

import dev.eventwire.support.Page;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The event types a tenant sends, for discovery (which filters to write, what to subscribe to), by name
 * and page by page: a tenant with ids in its type names has a great many, and a list that stopped at a
 * fixed count without saying so hid the newest of them.
 */
public final class EventTypes {
    private static final Duration RECENT = Duration.ofHours(24);

    private final EventStore store;
    private final Clock clock;

    public EventTypes(EventStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Up to {@code limit} types named after {@code after} (from the first when empty); a next key when more follow. */
    public Page<EventTypeStats> page(String tenant, Optional<String> after, int limit) {
        List<EventTypeStats> rows = store.eventTypes(tenant, clock.instant().minus(RECENT), after, limit + 1);
        if (rows.size() <= limit) return new Page<>(rows, Optional.empty());
        List<EventTypeStats> items = rows.subList(0, limit);
        return new Page<>(items, Optional.of(items.getLast().eventType()));
    }
}
