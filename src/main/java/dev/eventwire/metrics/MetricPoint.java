package dev.eventwire.metrics;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * What one event adds to one base metric: at {@code occurredMicros}, one more event, and for field
 * metrics the number or the distinct value it carries.
 */
public record MetricPoint(String tenant, String metric, long occurredMicros, Optional<BigDecimal> value, Optional<String> distinctValue) {
}
