package dev.eventwire.ingest;

import dev.eventwire.events.NewEvent;
import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.events.RejectedEvent;
import dev.eventwire.metrics.Contribution;
import dev.eventwire.metrics.MetricPoint;
import java.util.List;
import java.util.Map;

/**
 * Port: one open store transaction of an ingest commit. The store adapter implements it and only
 * persists; what goes in (which events are new, which deliveries they get, which metric points) is
 * decided by {@link IngestCommit}. A write that fails throws {@link UnitFailure}, which aborts the commit.
 */
public interface IngestUnit {
    /**
     * Stores those of {@code candidates} (distinct keys) that are not stored yet, atomically against
     * concurrent commits of the same key, and returns the log position of each one stored by this call.
     */
    Map<EventKey, Long> appendNew(List<NewEvent> candidates);

    /**
     * Called before the accepted events are fanned out: a store shared by replicas brings the in-memory
     * webhooks up to every change committed so far, so fan-out sees each webhook change acknowledged
     * before this commit, whichever replica made it.
     */
    default void beforeFanOut() {
    }

    /** Stores the deliveries, each with a fresh sequence number and, when inline, a lease token. */
    List<QueuedDelivery> queue(List<PlannedDelivery> deliveries);

    void appendRejected(List<RejectedEvent> rejected);

    /** Stores the metric points, numbered in the order given. */
    List<Contribution> appendPoints(List<MetricPoint> points);

    /**
     * Called last, once the commit plan is complete: a store that writes each event together with the
     * record of the deliveries it owes writes them now.
     */
    default void complete() {
    }

    /** A store write inside the unit failed; the adapter unwraps it where it handles store errors. */
    final class UnitFailure extends RuntimeException {
        public UnitFailure(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }
}
