package dev.eventwire.observability;

import dev.eventwire.support.CommitObserver;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Group-commit durations per writer ({@code eventwire_store_commit_seconds{writer}}): ingest-journal (the
 * forced journal write an acknowledgement waits for), ingest, delivery and rollup on DuckDB, pg-ingest and
 * pg-outcomes on PostgreSQL.
 */
public final class StoreMeters implements CommitObserver {
    /** Also the acknowledgement histogram's: the two are read side by side. */
    static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5)};

    private final Telemetry telemetry;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public StoreMeters(Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    @Override
    public void committed(String writer, long nanos) {
        timers.computeIfAbsent(writer, this::timer).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Writers are named eventwire-ingest-writer, eventwire-pg-ingest and so on; the label drops the common parts. */
    private Timer timer(String writer) {
        String label = writer.replaceFirst("^eventwire-", "").replaceFirst("-writer$", "");
        return Timer.builder("eventwire.store.commit").tag("writer", label)
                .description("Duration of one group commit: the merged work of many requests and its commit")
                .serviceLevelObjectives(BUCKETS)
                .register(telemetry.registry());
    }
}
