package dev.eventwire.events;

import java.util.List;

/**
 * Decides, inside the ingest transaction, which webhooks an accepted event is delivered to. The store
 * calls it on its writer thread for each newly accepted event and queues one delivery per webhook id
 * in the same transaction.
 */
@FunctionalInterface
public interface FanOut {
    List<String> webhooksFor(NewEvent event);

    /** The entity a delivery of {@code event} to {@code webhookId} queues behind; empty when it is not ordered. */
    default java.util.Optional<String> entityKeyFor(String webhookId, NewEvent event) {
        return java.util.Optional.empty();
    }

    FanOut NONE = event -> List.of();
}
