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

    FanOut NONE = event -> List.of();
}
