package dev.eventwire.ingest;

import dev.eventwire.events.AppendOutcome;
import dev.eventwire.events.FanOut;
import dev.eventwire.events.IngestListener;
import dev.eventwire.events.InlineAdmission;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.events.RejectedEvent;
import dev.eventwire.metrics.Contribution;
import dev.eventwire.metrics.LiveRollups;
import dev.eventwire.metrics.MetricCatalog;
import dev.eventwire.metrics.MetricPoint;
import dev.eventwire.support.Ids;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one ingest commit contains, whatever the store: the first occurrence of each (tenant, event id)
 * across the merged requests is the candidate and later ones are duplicates; every event the store newly
 * accepts gets one delivery per matching webhook (in memory at once when the engine has room) and its
 * metric points, all in the same transaction. After the commit, before any request in it is answered,
 * the points reach the in-memory rollups first (a read whose cached value the listener drops must find
 * them there) and then the listener.
 */
public final class IngestCommit {
    private final FanOut fanOut;
    private final InlineAdmission admission;
    private final MetricCatalog catalog;
    private final LiveRollups liveMetrics;
    private final IngestListener listener;
    private final Ids ids;

    public IngestCommit(FanOut fanOut, InlineAdmission admission, MetricCatalog catalog, LiveRollups liveMetrics, IngestListener listener, Ids ids) {
        this.fanOut = fanOut;
        this.admission = admission;
        this.catalog = catalog;
        this.liveMetrics = liveMetrics;
        this.listener = listener;
        this.ids = ids;
    }

    /** The answers of one commit, one list per request in the order given, and what to run right after the commit. */
    public record Result(List<List<AppendOutcome>> outcomes, Runnable afterCommit) {
    }

    /** Runs inside the open transaction {@code unit}; {@code requests} are the merged requests' events, in order. */
    public Result write(IngestUnit unit, List<List<NewEvent>> requests, List<RejectedEvent> rejected) {
        Map<EventKey, NewEvent> candidates = new HashMap<>();
        List<NewEvent> ordered = new ArrayList<>();
        for (List<NewEvent> request : requests) {
            for (NewEvent e : request) {
                if (candidates.putIfAbsent(EventKey.of(e), e) == null) ordered.add(e);
            }
        }
        Map<EventKey, Long> stored = ordered.isEmpty() ? Map.of() : unit.appendNew(ordered);
        List<NewEvent> accepted = ordered.stream().filter(e -> stored.containsKey(EventKey.of(e))).toList();

        if (!accepted.isEmpty()) unit.beforeFanOut();
        List<PlannedDelivery> planned = new ArrayList<>();
        for (NewEvent e : accepted) {
            long eventSeq = stored.get(EventKey.of(e));
            List<String> webhooks = fanOut.webhooksFor(e);
            // One event's message ids are siblings of the first (see Ids.sibling): a store may record the family by its first member.
            String firstMessageId = webhooks.isEmpty() ? null : ids.timeOrdered("msg_");
            for (int i = 0; i < webhooks.size(); i++) {
                String webhookId = webhooks.get(i);
                // An entity-ordered delivery may have an older one of its entity waiting: it always queues in the store.
                Optional<String> entityKey = fanOut.entityKeyFor(webhookId, e);
                planned.add(new PlannedDelivery(e, eventSeq, webhookId, Ids.sibling(firstMessageId, i), entityKey.isEmpty() && admission.admitsInline(webhookId),
                        entityKey));
            }
        }
        List<QueuedDelivery> deliveries = planned.isEmpty() ? List.of() : unit.queue(planned);
        if (!rejected.isEmpty()) unit.appendRejected(rejected);
        List<MetricPoint> points = new ArrayList<>();
        for (NewEvent e : accepted) points.addAll(catalog.pointsOf(e));
        for (RejectedEvent r : rejected) points.addAll(catalog.pointsOf(r));
        List<Contribution> written = points.isEmpty() ? List.of() : unit.appendPoints(points);
        unit.complete();

        List<List<AppendOutcome>> outcomes = new ArrayList<>(requests.size());
        for (List<NewEvent> request : requests) {
            List<AppendOutcome> perEvent = new ArrayList<>(request.size());
            for (NewEvent e : request) {
                EventKey k = EventKey.of(e);
                // Identity check: only the instance that was first in the commit can have been stored.
                perEvent.add(candidates.get(k) == e && stored.containsKey(k) ? AppendOutcome.ACCEPTED : AppendOutcome.DUPLICATE);
            }
            outcomes.add(perEvent);
        }
        return new Result(outcomes, () -> {
            liveMetrics.apply(written);
            listener.committed(accepted, rejected, deliveries);
        });
    }
}
