package dev.eventwire.metrics;

/**
 * A metric point as stored: {@code seq} orders every point ever written, so a copy of some points read
 * from the store can be reconciled with the points applied in memory since ({@link LiveRollups}).
 */
public record Contribution(long seq, MetricPoint point) {
    public long minute() {
        return Math.floorDiv(point.occurredMicros(), TimeLevels.MINUTE_US);
    }
}
