package dev.eventwire.webhooks;

import java.util.Optional;

/**
 * How a webhook's deliveries are ordered. {@code ENTITY}: deliveries of events with the same
 * {@code entity_id} are attempted one at a time in acknowledgement order (events without one are not
 * ordered); {@code NONE}: as soon as possible, concurrently.
 */
public enum Ordering {
    NONE("none"), ENTITY("entity");

    private final String wireName;

    Ordering(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Ordering> fromWire(String s) {
        for (Ordering o : values()) {
            if (o.wireName.equals(s)) return Optional.of(o);
        }
        return Optional.empty();
    }
}
