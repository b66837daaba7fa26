package dev.eventwire.metrics;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * The points of one series in one minute, sorted by time, with running sums: a window edge inside the
 * minute costs two binary searches (and, for min/max metrics, a scan of the points inside the edge).
 * Mutated only under the {@link LiveRollups} write lock.
 */
final class MinutePoints {
    private long[] times = new long[8];
    private BigDecimal[] values;
    private BigDecimal[] runningSums;
    private int size;
    /** Read-lock holders touch it; a racy write of a recent time is fine for eviction order. */
    private volatile long lastUsedMicros;

    MinutePoints(boolean numeric, long nowMicros) {
        if (numeric) {
            values = new BigDecimal[8];
            runningSums = new BigDecimal[8];
        }
        lastUsedMicros = nowMicros;
    }

    int size() {
        return size;
    }

    long lastUsedMicros() {
        return lastUsedMicros;
    }

    void touch(long nowMicros) {
        lastUsedMicros = nowMicros;
    }

    void add(long micros, BigDecimal value) {
        if (size == times.length) grow();
        int at = size;
        // Live points arrive in time order almost always; a late one is inserted and the sums after it redone.
        while (at > 0 && times[at - 1] > micros) at--;
        System.arraycopy(times, at, times, at + 1, size - at);
        times[at] = micros;
        if (values != null) {
            System.arraycopy(values, at, values, at + 1, size - at);
            values[at] = value == null ? BigDecimal.ZERO : value;
        }
        size++;
        if (values != null) {
            for (int i = at; i < size; i++) runningSums[i] = i == 0 ? values[i] : runningSums[i - 1].add(values[i]);
        }
    }

    private void grow() {
        int capacity = times.length * 2;
        times = Arrays.copyOf(times, capacity);
        if (values != null) {
            values = Arrays.copyOf(values, capacity);
            runningSums = Arrays.copyOf(runningSums, capacity);
        }
    }

    /** Folds the points in {@code (fromExclusive, toInclusive]} into {@code into}. */
    void fold(long fromExclusive, long toInclusive, Cell into, boolean needsExtremes) {
        int lo = firstAfter(fromExclusive);
        int hi = firstAfter(toInclusive);
        if (hi <= lo) return;
        into.n += hi - lo;
        if (values == null) return;
        BigDecimal sum = lo == 0 ? runningSums[hi - 1] : runningSums[hi - 1].subtract(runningSums[lo - 1]);
        into.sum = into.sum == null ? sum : into.sum.add(sum);
        if (!needsExtremes) return;
        for (int i = lo; i < hi; i++) {
            if (into.min == null || values[i].compareTo(into.min) < 0) into.min = values[i];
            if (into.max == null || values[i].compareTo(into.max) > 0) into.max = values[i];
        }
    }

    /** Index of the first point later than {@code micros} ({@code size} when none). */
    private int firstAfter(long micros) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (times[mid] <= micros) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
