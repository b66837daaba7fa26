package dev.eventwire.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Exact distinct counts over windows that end at or after the settle line, without touching every value.
 *
 * <p>Each value's latest occurrence at or before the settle line is kept, and values are counted per
 * minute, hour and day of that latest occurrence. The values seen in {@code (a, b]} for {@code b} at or
 * after the line are then those whose latest settled occurrence is after {@code a} (a fold over the
 * cells after {@code a}'s minute plus a look at the values of that one minute), plus values whose only
 * occurrences after {@code a} are still unsettled. Occurrences after the line wait in {@code pending}
 * until the line passes them: the last second of live traffic and events dated in the future.
 */
final class LastSeenIndex {
    private final Map<String, Long> latest = new HashMap<>();
    private final Map<Long, Set<String>> byMinute = new HashMap<>();
    private final TimeLevels<Cell> counts = new TimeLevels<>(Cell::new);
    private final TreeMap<Long, List<String>> pending = new TreeMap<>();

    void add(String value, long micros, long settledMicros) {
        if (micros > settledMicros) pending.computeIfAbsent(micros, k -> new ArrayList<>(1)).add(value);
        else settle(value, micros);
    }

    /** Settles the pending occurrences at or before {@code settledMicros}. */
    void settleUntil(long settledMicros) {
        Map<Long, List<String>> due = pending.headMap(settledMicros, true);
        due.forEach((micros, values) -> values.forEach(v -> settle(v, micros)));
        due.clear();
    }

    private void settle(String value, long micros) {
        Long before = latest.get(value);
        if (before != null && before >= micros) return;
        latest.put(value, micros);
        long minute = TimeLevels.minuteOf(micros);
        if (before != null) {
            long old = TimeLevels.minuteOf(before);
            if (old == minute) return;
            Set<String> values = byMinute.get(old);
            values.remove(value);
            if (values.isEmpty()) byMinute.remove(old);
            counts.covering(old, c -> c.n--);
        }
        byMinute.computeIfAbsent(minute, k -> new HashSet<>()).add(value);
        counts.covering(minute, c -> c.n++);
    }

    /** Distinct values with an occurrence in {@code (fromExclusive, toInclusive]}; {@code toInclusive} must not be before the settle line. */
    long distinctIn(long fromExclusive, long toInclusive) {
        long edge = TimeLevels.minuteOf(fromExclusive);
        Cell after = new Cell();
        counts.fold(edge + 1, counts.lastMinute(), after::add);
        long n = after.n;
        for (String v : byMinute.getOrDefault(edge, Set.of())) {
            if (latest.get(v) > fromExclusive) n++;
        }
        Set<String> unsettled = new HashSet<>();
        for (List<String> values : pending.subMap(fromExclusive, false, toInclusive, true).values()) {
            for (String v : values) {
                Long settled = latest.get(v);
                if (settled == null || settled <= fromExclusive) unsettled.add(v);
            }
        }
        return n + unsettled.size();
    }

    /**
     * Forgets values last seen before {@code minute}: no window served from memory reaches back to them.
     * Returns those without an unsettled occurrence, so their other traces can go too.
     */
    List<String> dropBefore(long minute) {
        Set<String> stillPending = new HashSet<>();
        pending.values().forEach(stillPending::addAll);
        List<String> dropped = new ArrayList<>();
        byMinute.entrySet().removeIf(e -> {
            if (e.getKey() >= minute) return false;
            e.getValue().forEach(v -> {
                latest.remove(v);
                if (!stillPending.contains(v)) dropped.add(v);
            });
            return true;
        });
        counts.dropBefore(minute);
        return dropped;
    }

    /** About how many values it holds: the settled ones, and the instants of those not settled yet. */
    int size() {
        return latest.size() + pending.size();
    }

    /** Forgets every value. */
    void clear() {
        latest.clear();
        byMinute.clear();
        counts.clear();
        pending.clear();
    }
}
