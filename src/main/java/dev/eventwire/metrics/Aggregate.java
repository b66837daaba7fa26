package dev.eventwire.metrics;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * A base metric folded over one window: events counted, and for field metrics their sum, min, max or
 * distinct count. The in-memory rollups fill only {@code distinct} for a count_distinct metric.
 */
public record Aggregate(long count, BigDecimal sum, Optional<BigDecimal> min, Optional<BigDecimal> max, long distinct) {
    /** Nothing in the window. */
    public static final Aggregate NONE = new Aggregate(0, BigDecimal.ZERO, Optional.empty(), Optional.empty(), 0);

    public static Aggregate ofDistinct(long distinct) {
        return new Aggregate(0, BigDecimal.ZERO, Optional.empty(), Optional.empty(), distinct);
    }
}
