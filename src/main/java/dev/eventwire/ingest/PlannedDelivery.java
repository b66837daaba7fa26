package dev.eventwire.ingest;

import dev.eventwire.events.NewEvent;

/**
 * A delivery an ingest commit creates: the accepted event (at log position {@code eventSeq}), the
 * webhook it goes to, its stable message id, and whether the engine takes it in memory right after the
 * commit ({@code inline}: created leased) or it waits in the store, due at once.
 */
public record PlannedDelivery(NewEvent event, long eventSeq, String webhookId, String messageId, boolean inline) {
}
