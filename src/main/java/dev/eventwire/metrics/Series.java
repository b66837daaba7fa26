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

    Series(Aggregation aggregation) {
        this.numeric = aggregation == Aggregation.SUM || aggregation == Aggregation.AVG
                || aggregation == Aggregation.MIN || aggregation == Aggregation.MAX;
        boolean counting = aggregation == Aggregation.COUNT_DISTINCT;
        this.distinct = counting ? new LastSeenIndex() : null;
        this.valueSets = counting ? new TimeLevels<>(RoaringBitmap::new) : null;
        this.valueIds = counting ? new HashMap<>() : null;
    }

    /** The id of a distinct value, or -1 when ids ran out (then distinct counts of past windows go to the store). */
    int idOf(String value) {
        Integer id = valueIds.get(value);
        if (id != null) return id;
        if (nextValueId == Integer.MAX_VALUE) return -1;
        valueIds.put(value, nextValueId);
        return nextValueId++;
    }

    boolean idsExhausted() {
        return valueIds != null && nextValueId == Integer.MAX_VALUE;
    }

    /** Forgets values no longer in any kept minute; their ids only appear in sets that were dropped with them. */
    void forgetValues(Iterable<String> values) {
        for (String v : values) valueIds.remove(v);
    }
}
