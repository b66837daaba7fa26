package dev.eventwire.events;

import java.util.List;

/** Told, right after a commit and before the ingest request is answered, what that commit accepted. */
@FunctionalInterface
public interface IngestListener {
    void committed(List<NewEvent> accepted, List<RejectedEvent> rejected, List<QueuedDelivery> deliveries);

    /** Tells each listener in turn. */
    static IngestListener all(List<IngestListener> listeners) {
        return (accepted, rejected, deliveries) -> listeners.forEach(l -> l.committed(accepted, rejected, deliveries));
    }
}
