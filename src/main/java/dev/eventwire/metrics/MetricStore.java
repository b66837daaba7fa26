package dev.eventwire.metrics;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Port: the durable metric rollups and points. */
public interface MetricStore {
    /**
     * Folds base metrics over events with occurred_at in {@code (fromExclusive, toInclusive]} (epoch
     * microseconds), all from one consistent snapshot; keyed by metric name.
     */
    Map<String, Aggregate> aggregate(String tenant, List<MetricDefinition> bases, long fromExclusiveMicros, long toInclusiveMicros);

    /** Folds recently appended contributions into the rollups; returns how many it folded. */
    long rollUp();

    /** Folds until nothing is left to fold. */
    default void rollUpAll() {
        while (rollUp() > 0) {
            // a full batch: there may be more
        }
    }

    /**
     * Streams the rollups from {@code fromMinute} on into {@code sink}: every minute bucket, and per
     * distinct-count metric the values of each minute, each value's latest occurrence at or before
     * {@code settledMicros} and every occurrence after it. Folds all pending points first. Returns the last point sequence number.
     */
    long restore(long fromMinute, long settledMicros, RestoreSink sink);

    /** The stored points of these metrics with occurred time in {@code [fromMicros, toMicros)} and {@code seq <= maxSeq}, by time. */
    List<Contribution> points(String tenant, Collection<String> metrics, long fromMicros, long toMicrosExclusive, long maxSeq);
}
