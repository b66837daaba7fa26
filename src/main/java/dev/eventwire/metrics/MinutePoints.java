package dev.eventwire.metrics;

import java.math.BigDecimal;
import java.util.Arrays;
import org.roaringbitmap.RoaringBitmap;

/**
 * The points of one series in one minute, with running sums over them in time order: a window edge
 * inside the minute costs two binary searches (and, for min/max metrics, a scan of the points inside the
 * edge). Points are appended as they come; live traffic is not in time order, so the order and the sums
 * are rebuilt (one primitive sort) only when an edge is read after points arrived out of order — edges
 * are mostly minutes that no longer change.
 *
 * <p>Appends happen under the {@link LiveRollups} write lock; folds under its read lock, several at once,
 * so the rebuild is synchronized on the copy.
 */
final class MinutePoints {
    /** Bits of a point's index in the sort key; the rest holds its microsecond within the minute (< 2^26). */
    private static final int INDEX_BITS = 37;

    private final long minuteStartMicros;
    private long[] times = new long[8];
    private BigDecimal[] values;
    private BigDecimal[] runningSums;
    /** For distinct counts: each point's value id. */
    private int[] ids;
    private int size;
    /** Points [0, ordered) are in time order with valid running sums. */
    private int ordered;
    /** Read-lock holders touch it; a racy write of a recent time is fine for eviction order. */
    private volatile long lastUsedMicros;

    MinutePoints(long minute, Series series, long nowMicros) {
        this.minuteStartMicros = minute * TimeLevels.MINUTE_US;
        if (series.numeric) {
            values = new BigDecimal[8];
            runningSums = new BigDecimal[8];
        }
        if (series.distinct != null) ids = new int[8];
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

    void add(long micros, BigDecimal value, int id) {
        if (size == times.length) grow();
        times[size] = micros;
        if (ids != null) ids[size] = id;
        if (values != null) values[size] = value == null ? BigDecimal.ZERO : value;
        boolean inOrder = ordered == size && (size == 0 || times[size - 1] <= micros);
        size++;
        if (inOrder) {
            // The common case for a minute's points in a backfill or a fetch: keep the sums current as we go.
            if (values != null) runningSums[size - 1] = size == 1 ? values[0] : runningSums[size - 2].add(values[size - 1]);
            ordered = size;
        }
    }

    private void grow() {
        int capacity = times.length * 2;
        times = Arrays.copyOf(times, capacity);
        if (ids != null) ids = Arrays.copyOf(ids, capacity);
        if (values != null) {
            values = Arrays.copyOf(values, capacity);
            runningSums = Arrays.copyOf(runningSums, capacity);
        }
    }

    /** Adds the value ids of the points in {@code (fromExclusive, toInclusive]} to {@code into}. */
    synchronized void collectIds(long fromExclusive, long toInclusive, RoaringBitmap into) {
        if (ordered < size) reorder();
        int hi = firstAfter(toInclusive);
        for (int i = firstAfter(fromExclusive); i < hi; i++) into.add(ids[i]);
    }

    /** Folds the points in {@code (fromExclusive, toInclusive]} into {@code into}. */
    synchronized void fold(long fromExclusive, long toInclusive, Cell into, boolean needsExtremes) {
        if (ordered < size) reorder();
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

    private void reorder() {
        long[] keys = new long[size];
        for (int i = 0; i < size; i++) keys[i] = ((times[i] - minuteStartMicros) << INDEX_BITS) | i;
        Arrays.sort(keys);
        long[] sortedTimes = new long[times.length];
        BigDecimal[] sortedValues = values == null ? null : new BigDecimal[values.length];
        int[] sortedIds = ids == null ? null : new int[ids.length];
        for (int i = 0; i < size; i++) {
            int from = (int) (keys[i] & ((1L << INDEX_BITS) - 1));
            sortedTimes[i] = times[from];
            if (values != null) sortedValues[i] = values[from];
            if (ids != null) sortedIds[i] = ids[from];
        }
        times = sortedTimes;
        ids = sortedIds;
        if (values != null) {
            values = sortedValues;
            for (int i = 0; i < size; i++) runningSums[i] = i == 0 ? values[0] : runningSums[i - 1].add(values[i]);
        }
        ordered = size;
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
