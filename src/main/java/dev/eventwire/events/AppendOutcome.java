package dev.eventwire.events;

/** What the log did with one submitted event. */
public enum AppendOutcome {
    /** Newly stored, and its deliveries were queued in the same transaction. */
    ACCEPTED,
    /** The same (tenant, event_id) was already stored; nothing was written. */
    DUPLICATE
}
