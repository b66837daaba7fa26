package dev.eventwire.metrics;

/** Port: reads of the metric rollups, which the store maintains in the ingest transaction. */
public interface MetricStore {
    /**
     * Folds base metrics over events with occurred_at in {@code (fromExclusive, toInclusive]} (epoch
     * microseconds), all from one consistent snapshot; keyed by metric name.
     */
    java.util.Map<String, Aggregate> aggregate(String tenant, java.util.List<MetricDefinition> bases, long fromExclusiveMicros, long toInclusiveMicros);

    /** Folds recently appended contributions into the rollups; returns how many it folded. */
    long rollUp();
}
