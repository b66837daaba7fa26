package dev.eventwire.metrics;

import java.util.HashMap;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * One tenant's one base metric in memory: its cells and the points of some minutes; for distinct counts
 * also the value index (windows ending now) and value sets per minute, hour and day (any other window).
 */
final class Series {
    final TimeLevels<Cell> cells = new TimeLevels<>(Cell::new);
    /** Complete copies of single minutes' points, kept current by every apply while present. */
    final Map<Long, MinutePoints> points = new HashMap<>();
    final boolean numeric;
    final LastSeenIndex distinct;
    final TimeLevels<RoaringBitmap> valueSets;
    /** Distinct values as small ints for the sets; an id is never reused. */
    private final Map<String, Integer> valueIds;
    private int nextValueId;
    /** The most distinct values this series holds in memory; beyond, its distinct counts are read from the store. */
    private final int maxValues;
    private boolean overflowed;
    private boolean overflowTold;

    Series(Aggregation aggregation, int maxValues) {
        this.maxValues = maxValues;
        this.numeric = aggregation == Aggregation.SUM || aggregation == Aggregation.AVG
                || aggregation == Aggregation.MIN || aggregation == Aggregation.MAX;
        boolean counting = aggregation == Aggregation.COUNT_DISTINCT;
        this.distinct = counting ? new LastSeenIndex() : null;
        this.valueSets = counting ? new TimeLevels<>(RoaringBitmap::new) : null;
        this.valueIds = counting ? new HashMap<>() : null;
    }

    /** The id of a distinct value, or -1 once the series has overflowed (then its distinct counts go to the store). */
    int idOf(String value) {
        if (overflowed) return -1;
        Integer id = valueIds.get(value);
        if (id != null) return id;
        if (nextValueId == Integer.MAX_VALUE || valueIds.size() >= maxValues) {
            overflow();
            return -1;
        }
        valueIds.put(value, nextValueId);
        return nextValueId++;
    }

    /** Notes an occurrence of a distinct value for windows ending now (nothing once overflowed). */
    void see(String value, long micros, long settledMicros) {
        if (overflowed) return;
        distinct.add(value, micros, settledMicros);
        if (distinct.size() > maxValues) overflow();
    }

    /**
     * True once the series held more distinct values than it may keep: the rest of its memory's life, its
     * distinct counts are read from the store, exact but slower, and hold no memory. One tenant sending a
     * fresh session id with every event otherwise grew every tenant's heap by ~150 bytes an event for 31
     * days. A restart, reading back fewer values than the bound, serves it from memory again.
     */
    boolean overflowed() {
        return overflowed;
    }

    /** True the first time it is asked after the series overflowed, so its owner says so once. */
    boolean overflowNews() {
        if (!overflowed || overflowTold) return false;
        overflowTold = true;
        return true;
    }

    private void overflow() {
        overflowed = true;
        distinct.clear();
        valueSets.clear();
        valueIds.clear();
    }

    /** Forgets values no longer in any kept minute; their ids only appear in sets that were dropped with them. */
    void forgetValues(Iterable<String> values) {
        for (String v : values) valueIds.remove(v);
    }
}
