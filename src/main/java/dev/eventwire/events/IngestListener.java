package dev.eventwire.events;

import java.util.List;

/** Told, right after a commit and before the ingest request is answered, what that commit accepted. */
@FunctionalInterface
public interface IngestListener {
    void committed(List<NewEvent> accepted, List<QueuedDelivery> deliveries);

    IngestListener NONE = (accepted, deliveries) -> { };
}
