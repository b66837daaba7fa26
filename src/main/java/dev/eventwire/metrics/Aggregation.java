package dev.eventwire.metrics;

/** How a metric folds the events it counts. */
public enum Aggregation {
    COUNT, SUM, AVG, MIN, MAX, COUNT_DISTINCT, RATIO;

    public static Aggregation parse(String text) {
        return valueOf(text.strip().toUpperCase(java.util.Locale.ROOT));
    }

    /** Whether the metric reads a field of {@code data}. */
    public boolean needsField() {
        return this == SUM || this == AVG || this == MIN || this == MAX || this == COUNT_DISTINCT;
    }
}
