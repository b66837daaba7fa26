package dev.eventwire.metrics;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * What one event adds to one base metric: at {@code occurredMicros}, one more event, and for field
 * metrics the number or the distinct value it carries.
 */
public record MetricPoint(String tenant, String metric, long occurredMicros, Optional<BigDecimal> value, Optional<String> distinctValue) {
    /**
     * Decimal places a metric keeps (both stores hold values as decimals of scale 9). A value is rounded to
     * them here, half away from zero as the stores round, so what the live rollups add is exactly what a
     * restart reads back: 0.0000000004 counts as 0 before a restart as after it.
     */
    public static final int SCALE = 9;

    public MetricPoint {
        value = value.map(v -> v.scale() > SCALE ? v.setScale(SCALE, java.math.RoundingMode.HALF_UP) : v);
        distinctValue = dev.eventwire.support.StorableText.of(distinctValue); // any string inside an event's data
    }
}
