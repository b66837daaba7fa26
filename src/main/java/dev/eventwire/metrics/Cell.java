package dev.eventwire.metrics;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A mutable fold of points: how many, and the sum, min and max of their values (null while none had a
 * value). For minute cells it also keeps the time span of its points, so a window edge that covers all
 * of them needs no point-level look; cells restored from the store do not know that span.
 */
final class Cell {
    long n;
    BigDecimal sum;
    BigDecimal min;
    BigDecimal max;
    long firstMicros = Long.MAX_VALUE;
    long lastMicros = Long.MIN_VALUE;

    void add(long micros, BigDecimal value) {
        n++;
        firstMicros = Math.min(firstMicros, micros);
        lastMicros = Math.max(lastMicros, micros);
        addValue(value, value, value);
    }

    /** Adds a fold whose point times are not known here (a restored bucket): edges inside it must look at points. */
    void addFolded(long count, BigDecimal total, BigDecimal lo, BigDecimal hi) {
        n += count;
        firstMicros = Long.MIN_VALUE;
        lastMicros = Long.MAX_VALUE;
        addValue(total, lo, hi);
    }

    void add(Cell other) {
        n += other.n;
        addValue(other.sum, other.min, other.max);
    }

    private void addValue(BigDecimal total, BigDecimal lo, BigDecimal hi) {
        if (total != null) sum = sum == null ? total : sum.add(total);
        if (lo != null && (min == null || lo.compareTo(min) < 0)) min = lo;
        if (hi != null && (max == null || hi.compareTo(max) > 0)) max = hi;
    }

    /** Whether every point of this cell lies in {@code (fromExclusive, toInclusive]}. */
    boolean within(long fromExclusive, long toInclusive) {
        return firstMicros > fromExclusive && lastMicros <= toInclusive;
    }

    /** Whether no point of this cell lies in {@code (fromExclusive, toInclusive]}. */
    boolean outside(long fromExclusive, long toInclusive) {
        return n == 0 || lastMicros <= fromExclusive || firstMicros > toInclusive;
    }

    Aggregate toAggregate() {
        return new Aggregate(n, sum == null ? BigDecimal.ZERO : sum, Optional.ofNullable(min), Optional.ofNullable(max), 0);
    }
}
