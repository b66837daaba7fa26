package dev.eventwire.metrics;

import dev.eventwire.events.IngestListener;
import dev.eventwire.events.NewEvent;
import dev.eventwire.events.QueuedDelivery;
import dev.eventwire.events.RejectedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Computed metric values, dropped on commit: the ingest writer tells the cache what it accepted and
 * rejected right after the commit and before any request in that commit is answered, so a read after an
 * answer never gets a value that misses it. Only events of a metric's source types, of the same tenant,
 * drop its values; an explicit-{@code as_of} value is dropped only by events inside its window.
 *
 * <p>A value being computed while a commit lands is not cached: each (tenant, metric) has a version that
 * every invalidation bumps, and a value is stored only if the version it started from is still current.
 */
public final class MetricCache implements IngestListener {
    static final int MAX_ENTRIES_PER_METRIC = 1_000;
    static final int MAX_REMEMBERED_TYPES = 10_000;

    private final MetricCatalog catalog;
    private final Map<Slot, Map<Key, Value>> entries = new ConcurrentHashMap<>();
    private final Map<Slot, AtomicLong> versions = new ConcurrentHashMap<>();
    private final Map<String, List<MetricDefinition>> movedByType = new ConcurrentHashMap<>();

    public MetricCache(MetricCatalog catalog) {
        this.catalog = catalog;
    }

    /** One tenant's one metric. */
    record Slot(String tenant, String metric) {
    }

    /** {@code asOf} empty: a "now" read. */
    public record Key(String window, Optional<Instant> asOf) {
    }

    public record Value(Optional<java.math.BigDecimal> value, Instant asOf, Instant computedAt) {
    }

    public long version(String tenant, String metric) {
        return versions.computeIfAbsent(new Slot(tenant, metric), s -> new AtomicLong()).get();
    }

    public Optional<Value> get(String tenant, String metric, Key key) {
        Map<Key, Value> slot = entries.get(new Slot(tenant, metric));
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.get(key));
    }

    /** Stores a value computed from {@code versionSeen}, unless an invalidation happened since. */
    public void put(String tenant, String metric, Key key, Value value, long versionSeen) {
        Slot slot = new Slot(tenant, metric);
        AtomicLong version = versions.computeIfAbsent(slot, s -> new AtomicLong());
        synchronized (version) {
            if (version.get() != versionSeen) return;
            Map<Key, Value> values = entries.computeIfAbsent(slot, s -> new ConcurrentHashMap<>());
            if (values.size() >= MAX_ENTRIES_PER_METRIC) values.clear();
            values.put(key, value);
        }
    }

    @Override
    public void committed(List<NewEvent> accepted, List<RejectedEvent> rejected, List<QueuedDelivery> deliveries) {
        // Runs on the ingest writer before the commit's requests are answered: gather the event times per
        // (tenant, metric) first, so a batch of 500 drops each slot once instead of 500 times.
        Map<Slot, List<Instant>> moved = new java.util.HashMap<>();
        for (NewEvent e : accepted) {
            for (MetricDefinition d : movedBy(e.eventType(), false)) moved.computeIfAbsent(new Slot(e.tenant(), d.name()), s -> new java.util.ArrayList<>()).add(e.occurredAt());
        }
        for (RejectedEvent r : rejected) {
            for (MetricDefinition d : movedBy("", true)) moved.computeIfAbsent(new Slot(r.tenant(), d.name()), s -> new java.util.ArrayList<>()).add(r.receivedAt());
        }
        moved.forEach(this::invalidate);
    }

    /** The metrics an event of this type moves; remembered per type (bounded: forgotten wholesale when large). */
    private List<MetricDefinition> movedBy(String eventType, boolean rejected) {
        String key = rejected ? "\u0000rejected" : eventType;
        if (movedByType.size() > MAX_REMEMBERED_TYPES) movedByType.clear();
        return movedByType.computeIfAbsent(key, k -> catalog.all().stream().filter(d -> catalog.movedBy(d, eventType, rejected)).toList());
    }

    private void invalidate(Slot slot, List<Instant> times) {
        AtomicLong version = versions.computeIfAbsent(slot, s -> new AtomicLong());
        synchronized (version) {
            version.incrementAndGet();
            Map<Key, Value> values = entries.get(slot);
            if (values != null) values.keySet().removeIf(k -> times.stream().anyMatch(at -> affects(k, at)));
        }
    }

    /** An event at {@code at} changes a "now" value, or an as_of value whose window holds it. */
    private static boolean affects(Key key, Instant at) {
        if (key.asOf().isEmpty()) return true;
        Instant asOf = key.asOf().get();
        Duration window = MetricWindow.parse(key.window()).orElseThrow();
        return !at.isAfter(asOf) && at.isAfter(asOf.minus(window));
    }
}
