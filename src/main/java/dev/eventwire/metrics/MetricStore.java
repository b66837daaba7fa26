package dev.eventwire.metrics;

/** Port: reads of the metric rollups, which the store maintains in the ingest transaction. */
public interface MetricStore {
    /** Folds a base metric over events with occurred_at in {@code (fromExclusive, toInclusive]}, in epoch microseconds. */
    Aggregate aggregate(String tenant, MetricDefinition base, long fromExclusiveMicros, long toInclusiveMicros);

    /** Folds recently appended contributions into the rollups; returns how many it folded. */
    long rollUp();
}
