package dev.eventwire.metrics;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongConsumer;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metric rollups of the last 31 days in memory, so that a read costs microseconds and never waits
 * on DuckDB (its checkpoints, its writers, its pool).
 *
 * <p>The ingest writer applies each commit's points right after the commit and before any request in it
 * is answered, so a read after an answer sees them. Per tenant and base metric it keeps cells per minute,
 * hour and day; for distinct counts a {@link LastSeenIndex} (windows ending now) and value sets per minute,
 * hour and day (other windows); and copies of single minutes' points for window edges — made as a
 * minute's points arrive, or fetched from the store for an older minute, then kept current by every apply
 * and dropped after ten idle minutes. A fetched copy holds the stored points up to a sequence number; the
 * points applied since are added from a short log of recent applies, so nothing is counted twice or missed.
 *
 * <p>A read it cannot serve returns empty and goes to the store: windows reaching back beyond the horizon
 * (and distinct counts of a metric that held more distinct values than memory keeps for one).
 */
public final class LiveRollups {
    private static final Logger log = LoggerFactory.getLogger(LiveRollups.class);
    static final long HORIZON_MINUTES = 31L * 1_440;
    static final long SETTLE_DELAY_MICROS = 1_000_000;
    static final int PREFETCH_MINUTES = 5;
    static final long MAX_CACHED_POINTS = 2_000_000;
    static final long IDLE_POINTS_MICROS = 10 * 60_000_000L;
    /** Copies of minutes this recent are kept even when unused: they are the edges of the 5m and 15m windows. */
    static final long HOT_MINUTES = 20;
    static final int RECENT_APPLIED = 16_384;
    private static final int FETCH_ATTEMPTS = 3;

    private final int maxDistinctValues;
    private final MetricCatalog catalog;
    /** The base metrics, whose window edges may need point copies. */
    private final List<String> copiedMetrics;
    private final MetricStore store;
    private final Clock clock;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<Key, Series> series = new HashMap<>();
    private final List<Series> distinctSeries = new ArrayList<>();
    private final ArrayDeque<Contribution> recent = new ArrayDeque<>();
    private long forgottenSeq;
    private long appliedSeq;
    /** Nothing is served before {@link #restore()}. */
    private long horizonMinute = Long.MAX_VALUE;
    private long settledMicros = Long.MIN_VALUE;
    private long prunedMinute;
    private long cachedPoints;

    public LiveRollups(MetricCatalog catalog, MetricStore store, Clock clock) {
        this(catalog, store, clock, dev.eventwire.Limits.defaults().maxDistinctValuesInMemory());
    }

    /** {@code maxDistinctValues}: what one tenant's distinct-count metric keeps in memory; beyond, its distinct counts are read from the store. */
    public LiveRollups(MetricCatalog catalog, MetricStore store, Clock clock, int maxDistinctValues) {
        this.maxDistinctValues = maxDistinctValues;
        this.catalog = catalog;
        this.copiedMetrics = catalog.all().stream().filter(d -> !d.isRatio()).map(MetricDefinition::name).toList();
        this.store = store;
        this.clock = clock;
    }

    private record Key(String tenant, String metric) {
    }

    /** Rebuilds the memory from the store; call before serving (nothing is ingested meanwhile). */
    public void restore() {
        long now = nowMicros();
        long horizon = TimeLevels.minuteOf(now) - HORIZON_MINUTES;
        long settled = now - SETTLE_DELAY_MICROS;
        lock.writeLock().lock();
        try {
            series.clear();
            distinctSeries.clear();
            recent.clear();
            long seq = store.restore(horizon, settled, new RestoreSink() {
                @Override
                public void bucket(String tenant, String metric, long minute, long count, BigDecimal sum, BigDecimal min, BigDecimal max) {
                    Series s = seriesFor(tenant, metric);
                    if (s != null) s.cells.covering(minute, c -> c.addFolded(count, sum, min, max));
                }

                @Override
                public void distinct(String tenant, String metric, String value, long occurredMicros) {
                    Series s = seriesFor(tenant, metric);
                    if (s == null || s.distinct == null) return;
                    s.see(value, occurredMicros, settled);
                    tellOverflow(tenant, metric, s);
                }

                @Override
                public void distinctInMinute(String tenant, String metric, long minute, String value) {
                    Series s = seriesFor(tenant, metric);
                    if (s == null || s.distinct == null) return;
                    int id = s.idOf(value);
                    tellOverflow(tenant, metric, s);
                    if (id >= 0) s.valueSets.covering(minute, set -> set.add(id));
                }
            });
            appliedSeq = seq;
            forgottenSeq = seq;
            horizonMinute = horizon;
            settledMicros = settled;
            prunedMinute = TimeLevels.minuteOf(now);
            cachedPoints = 0;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Applies committed points; called on the ingest writer after the commit, before its requests are answered. */
    public void apply(List<Contribution> contributions) {
        lock.writeLock().lock();
        try {
            long now = nowMicros();
            for (Contribution c : contributions) {
                remember(c);
                long minute = c.minute();
                if (minute < horizonMinute) continue;
                MetricPoint p = c.point();
                Series s = seriesFor(p.tenant(), p.metric());
                if (s == null) continue;
                BigDecimal value = p.value().orElse(null);
                if (s.cells.minute(minute) == null) {
                    // The minute's first point: a copy started now is complete, so the recent minutes (the edges
                    // of short windows) never need a fetch.
                    s.points.put(minute, new MinutePoints(minute, s, now));
                }
                s.cells.covering(minute, cell -> cell.add(p.occurredMicros(), value));
                String distinctValue = s.distinct == null ? null : p.distinctValue().orElse(null);
                if (distinctValue != null) s.see(distinctValue, p.occurredMicros(), settledMicros);
                int id = distinctValue == null ? -1 : s.idOf(distinctValue);
                if (distinctValue != null) tellOverflow(p.tenant(), p.metric(), s);
                if (id >= 0) s.valueSets.covering(minute, set -> set.add(id));
                MinutePoints copy = s.points.get(minute);
                if (copy != null) {
                    copy.add(p.occurredMicros(), value, id);
                    cachedPoints++;
                }
            }
            long settle = now - SETTLE_DELAY_MICROS;
            if (settle > settledMicros) {
                settledMicros = settle;
                for (Series s : distinctSeries) s.distinct.settleUntil(settle);
            }
            long minute = TimeLevels.minuteOf(now);
            if (minute > prunedMinute && horizonMinute != Long.MAX_VALUE) prune(minute, now);
            if (cachedPoints > MAX_CACHED_POINTS) evictPoints(MAX_CACHED_POINTS / 2);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Folds base metrics over {@code (fromExclusive, toInclusive]} like {@link MetricStore#aggregate}, or
     * empty when this window is not served from memory. For a distinct count only {@code distinct} is set.
     */
    public Optional<Map<String, Aggregate>> aggregate(String tenant, List<MetricDefinition> bases, long fromExclusive, long toInclusive) {
        for (int attempt = 0; attempt < FETCH_ATTEMPTS; attempt++) {
            Map<String, Set<Long>> missing = new LinkedHashMap<>();
            long seenSeq;
            lock.readLock().lock();
            try {
                if (TimeLevels.minuteOf(fromExclusive) < horizonMinute) return Optional.empty();
                long now = nowMicros();
                Map<String, Aggregate> out = new LinkedHashMap<>();
                for (MetricDefinition b : bases) {
                    Series s = series.get(new Key(tenant, b.name()));
                    if (s == null) {
                        out.put(b.name(), Aggregate.NONE);
                        continue;
                    }
                    LongConsumer fetchLater = m -> missing.computeIfAbsent(b.name(), k -> new TreeSet<>()).add(m);
                    if (s.distinct != null && s.overflowed()) return Optional.empty();
                    if (s.distinct != null && toInclusive >= settledMicros) {
                        // Windows ending now: the last-seen index, without touching the sets.
                        out.put(b.name(), Aggregate.ofDistinct(s.distinct.distinctIn(fromExclusive, toInclusive)));
                    } else if (s.distinct != null) {
                        RoaringBitmap seen = new RoaringBitmap();
                        new WindowFold(s, null, seen, false, now, fetchLater).fold(fromExclusive, toInclusive);
                        out.put(b.name(), Aggregate.ofDistinct(seen.getLongCardinality()));
                    } else {
                        Cell into = new Cell();
                        boolean extremes = b.aggregation() == Aggregation.MIN || b.aggregation() == Aggregation.MAX;
                        new WindowFold(s, into, null, extremes, now, fetchLater).fold(fromExclusive, toInclusive);
                        out.put(b.name(), into.toAggregate());
                    }
                }
                if (missing.isEmpty()) return Optional.of(out);
                seenSeq = appliedSeq;
            } finally {
                lock.readLock().unlock();
            }
            fetch(tenant, missing, seenSeq);
        }
        return Optional.empty();
    }

    /**
     * Folds one series over a window — into cells ({@code cells}) or into the set of distinct value ids
     * ({@code values}): the whole minutes from the minute/hour/day levels, the two edge minutes exactly.
     */
    private record WindowFold(Series s, Cell cells, RoaringBitmap values, boolean extremes, long now, LongConsumer missing) {
        void fold(long fromExclusive, long toInclusive) {
            long first = TimeLevels.minuteOf(fromExclusive);
            long last = TimeLevels.minuteOf(toInclusive);
            if (first == last) {
                edge(first, fromExclusive, toInclusive);
                return;
            }
            edge(first, fromExclusive, (first + 1) * TimeLevels.MINUTE_US - 1);
            if (values != null) s.valueSets.fold(first + 1, last - 1, values::or);
            else s.cells.fold(first + 1, last - 1, cells::add);
            edge(last, last * TimeLevels.MINUTE_US - 1, toInclusive);
        }

        private void edge(long minute, long fromExclusive, long toInclusive) {
            Cell cell = s.cells.minute(minute);
            if (cell == null || cell.outside(fromExclusive, toInclusive)) return;
            if (cell.within(fromExclusive, toInclusive)) {
                if (values == null) {
                    cells.add(cell);
                    return;
                }
                RoaringBitmap minuteValues = s.valueSets.minute(minute);
                if (minuteValues != null) values.or(minuteValues);
                return;
            }
            MinutePoints copy = s.points.get(minute);
            if (copy == null) {
                missing.accept(minute);
                return;
            }
            copy.touch(now);
            if (values != null) copy.collectIds(fromExclusive, toInclusive, values);
            else copy.fold(fromExclusive, toInclusive, cells, extremes);
        }
    }

    /**
     * Copies the points of the missing minutes, and of a few minutes after them (the next reads' edges),
     * from the store — for every metric that keeps copies, since a dashboard reads them all.
     */
    private void fetch(String tenant, Map<String, Set<Long>> missing, long seenSeq) {
        TreeSet<Long> minutes = new TreeSet<>();
        missing.values().forEach(minutes::addAll);
        Map<MetricMinute, List<Contribution>> byMetricMinute = new HashMap<>();
        List<Long> spanStarts = new ArrayList<>();
        long coveredUntil = Long.MIN_VALUE;
        for (long m : minutes) {
            if (m < coveredUntil) continue;
            spanStarts.add(m);
            coveredUntil = m + PREFETCH_MINUTES;
            for (Contribution c : store.points(tenant, copiedMetrics, m * TimeLevels.MINUTE_US, coveredUntil * TimeLevels.MINUTE_US, seenSeq)) {
                byMetricMinute.computeIfAbsent(minuteKey(c), k -> new ArrayList<>()).add(c);
            }
        }
        lock.writeLock().lock();
        try {
            // The copies hold stored points up to seenSeq; the applies since then must be added from the log.
            if (forgottenSeq > seenSeq) return;
            List<Contribution> since = new ArrayList<>();
            for (Iterator<Contribution> it = recent.descendingIterator(); it.hasNext(); ) {
                Contribution c = it.next();
                if (c.seq() <= seenSeq) break;
                if (c.point().tenant().equals(tenant)) since.add(c);
            }
            Collections.reverse(since);
            for (Contribution c : since) byMetricMinute.computeIfAbsent(minuteKey(c), k -> new ArrayList<>()).add(c);
            long now = nowMicros();
            for (String metric : copiedMetrics) {
                Series s = series.get(new Key(tenant, metric));
                if (s == null) continue;
                for (long start : spanStarts) {
                    for (long m = start; m < start + PREFETCH_MINUTES; m++) {
                        if (m < horizonMinute || s.points.containsKey(m) || s.cells.minute(m) == null) continue;
                        MinutePoints copy = new MinutePoints(m, s, now);
                        for (Contribution c : byMetricMinute.getOrDefault(new MetricMinute(metric, m), List.of())) {
                            int id = s.distinct == null ? -1 : c.point().distinctValue().map(s::idOf).orElse(-1);
                            copy.add(c.point().occurredMicros(), c.point().value().orElse(null), id);
                        }
                        s.points.put(m, copy);
                        cachedPoints += copy.size();
                        tellOverflow(tenant, metric, s);
                    }
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private record MetricMinute(String metric, long minute) {
    }

    private static MetricMinute minuteKey(Contribution c) {
        return new MetricMinute(c.point().metric(), c.minute());
    }

    private void remember(Contribution c) {
        appliedSeq = Math.max(appliedSeq, c.seq());
        recent.addLast(c);
        if (recent.size() > RECENT_APPLIED) forgottenSeq = Math.max(forgottenSeq, recent.removeFirst().seq());
    }

    private Series seriesFor(String tenant, String metric) {
        Key key = new Key(tenant, metric);
        Series s = series.get(key);
        if (s != null) return s;
        Optional<MetricDefinition> d = catalog.find(metric).filter(def -> !def.isRatio());
        if (d.isEmpty()) return null;
        s = new Series(d.get().aggregation(), maxDistinctValues);
        series.put(key, s);
        if (s.distinct != null) distinctSeries.add(s);
        return s;
    }

    /** Tenants' distinct-count metrics read from the store because they passed the bound of distinct values. */
    public int pastDistinctBound() {
        lock.readLock().lock();
        try {
            return (int) distinctSeries.stream().filter(Series::overflowed).count();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Says once, when a metric of a tenant passes the bound, that its distinct counts are read from the store from now on. */
    private void tellOverflow(String tenant, String metric, Series s) {
        if (s.overflowNews()) {
            log.warn("metric {} of tenant {} holds more than {} distinct values (--max-distinct-values): its distinct counts are read from the"
                    + " database from now on, until a restart finds fewer", metric, tenant, maxDistinctValues);
        }
    }

    private void prune(long minute, long now) {
        prunedMinute = minute;
        horizonMinute = minute - HORIZON_MINUTES;
        for (Series s : series.values()) {
            s.cells.dropBefore(horizonMinute);
            if (s.distinct != null) {
                s.forgetValues(s.distinct.dropBefore(horizonMinute));
                s.valueSets.dropBefore(horizonMinute);
            }
            s.points.entrySet().removeIf(e -> {
                boolean idle = e.getKey() < minute - HOT_MINUTES && e.getValue().lastUsedMicros() < now - IDLE_POINTS_MICROS;
                boolean drop = e.getKey() < horizonMinute || idle;
                if (drop) cachedPoints -= e.getValue().size();
                return drop;
            });
        }
    }

    /** Drops the least recently used minute copies until at most {@code target} points remain. */
    private void evictPoints(long target) {
        record Copy(Series series, long minute, MinutePoints points) {
        }
        List<Copy> copies = new ArrayList<>();
        for (Series s : series.values()) s.points.forEach((m, p) -> copies.add(new Copy(s, m, p)));
        copies.sort(Comparator.comparingLong(c -> c.points().lastUsedMicros()));
        for (Copy c : copies) {
            if (cachedPoints <= target) break;
            c.series().points.remove(c.minute());
            cachedPoints -= c.points().size();
        }
    }

    private long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, clock.instant());
    }
}
