package dev.eventwire.observability;

import dev.eventwire.events.AppendOutcome;
import dev.eventwire.events.EventQuery;
import dev.eventwire.events.EventStore;
import dev.eventwire.events.EventTypeStats;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.RejectedEvent;
import dev.eventwire.events.StoredEvent;
import dev.eventwire.support.Page;
import dev.eventwire.support.PageRequest;
import io.micrometer.core.instrument.Counter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Counts what ingest stored, by result ({@code eventwire_events_total{result=accepted|duplicate|rejected}}),
 * as a wrapper of the event-log port: the store's own answer per event is what a producer was told, and
 * nothing is counted for an append that did not become durable. Reads pass straight through (a method
 * added to the port must be added here too; the compiler says so).
 */
public final class IngestMeters implements EventStore {
    private final EventStore store;
    private final Counter accepted;
    private final Counter duplicate;
    private final Counter rejected;

    public IngestMeters(EventStore store, Telemetry telemetry) {
        this.store = store;
        this.accepted = counter(telemetry, "accepted");
        this.duplicate = counter(telemetry, "duplicate");
        this.rejected = counter(telemetry, "rejected");
    }

    private static Counter counter(Telemetry telemetry, String result) {
        return Counter.builder("eventwire.events").tag("result", result)
                .description("Events taken in: accepted (new), duplicate (id seen before), rejected (invalid, kept as rejected events)")
                .register(telemetry.registry());
    }

    @Override
    public CompletableFuture<List<AppendOutcome>> append(List<NewEvent> events, List<RejectedEvent> rejectedEvents) {
        return store.append(events, rejectedEvents).whenComplete((outcomes, failure) -> {
            if (failure != null) return;
            long fresh = outcomes.stream().filter(o -> o == AppendOutcome.ACCEPTED).count();
            accepted.increment(fresh);
            duplicate.increment(outcomes.size() - fresh);
            rejected.increment(rejectedEvents.size());
        });
    }

    @Override
    public Optional<StoredEvent> find(String tenant, String eventId) {
        return store.find(tenant, eventId);
    }

    @Override
    public Page<StoredEvent> list(EventQuery query) {
        return store.list(query);
    }

    @Override
    public Page<RejectedEvent> listRejected(String tenant, PageRequest page) {
        return store.listRejected(tenant, page);
    }

    @Override
    public List<StoredEvent> receivedBetween(String tenant, Instant since, Instant until, long afterSeq, int limit) {
        return store.receivedBetween(tenant, since, until, afterSeq, limit);
    }

    @Override
    public List<EventTypeStats> eventTypes(String tenant, Instant recentSince, java.util.Optional<String> after, int limit) {
        return store.eventTypes(tenant, recentSince, after, limit);
    }
}
