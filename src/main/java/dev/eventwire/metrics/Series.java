package dev.eventwire.metrics;

import java.util.HashMap;
import java.util.Map;

/** One tenant's one base metric in memory: its cells, the points of some minutes, and for distinct counts the value index. */
final class Series {
    final TimeLevels cells = new TimeLevels();
    /** Complete copies of single minutes' points, kept current by every apply while present. */
    final Map<Long, MinutePoints> points = new HashMap<>();
    final boolean numeric;
    final LastSeenIndex distinct;

    Series(Aggregation aggregation) {
        this.numeric = aggregation == Aggregation.SUM || aggregation == Aggregation.AVG
                || aggregation == Aggregation.MIN || aggregation == Aggregation.MAX;
        this.distinct = aggregation == Aggregation.COUNT_DISTINCT ? new LastSeenIndex() : null;
    }
}
