package dev.eventwire.events;

import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Port: the durable event log. Implementations group concurrent appends into shared transactions. */
public interface EventStore {

    /**
     * Appends events and rejected events in one unit of work that also queues the deliveries of every
     * newly accepted event. Completes once that unit is durable, with one outcome per event, in order.
     */
    CompletableFuture<List<AppendOutcome>> append(List<NewEvent> events, List<RejectedEvent> rejected);

    Optional<StoredEvent> find(String tenant, String eventId);

    Page<StoredEvent> list(EventQuery query);

    Page<RejectedEvent> listRejected(String tenant, PageRequest page);

    /** The tenant's events received in {@code [since, until)} with a log position after {@code afterSeq}, in log order, at most {@code limit}. */
    List<StoredEvent> receivedBetween(String tenant, java.time.Instant since, java.time.Instant until, long afterSeq, int limit);

    /**
     * The event types the tenant has sent whose names sort after {@code after} (all when empty), by name,
     * each with its count since {@code since} and its last receipt; at most {@code limit}.
     */
    List<EventTypeStats> eventTypes(String tenant, java.time.Instant since, java.util.Optional<String> after, int limit);
}
