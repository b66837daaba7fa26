package dev.eventwire.metrics;

import java.math.BigDecimal;
import java.util.Optional;

/** A base metric's fold being put together by a store from minute buckets and loose points. */
public final class AggregateBuilder {
    private long count;
    private BigDecimal sum = BigDecimal.ZERO;
    private BigDecimal min;
    private BigDecimal max;
    private long distinct;

    public void add(long n, BigDecimal total, BigDecimal lo, BigDecimal hi) {
        count += n;
        if (total != null) sum = sum.add(total);
        if (lo != null && (min == null || lo.compareTo(min) < 0)) min = lo;
        if (hi != null && (max == null || hi.compareTo(max) > 0)) max = hi;
    }

    public void distinct(long n) {
        distinct = n;
    }

    public Aggregate build() {
        return new Aggregate(count, sum, Optional.ofNullable(min), Optional.ofNullable(max), distinct);
    }
}
