package dev.eventwire.metrics;

import java.math.BigDecimal;
import java.util.Optional;

/** A base metric folded over one window: events counted, and for field metrics their sum, min, max or distinct count. */
public record Aggregate(long count, BigDecimal sum, Optional<BigDecimal> min, Optional<BigDecimal> max, long distinct) {
}
