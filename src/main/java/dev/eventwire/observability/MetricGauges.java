package dev.eventwire.observability;

import io.micrometer.core.instrument.Gauge;
import java.util.function.IntSupplier;

/** Gauges about the metrics the service computes for its tenants, read at scrape time. */
public final class MetricGauges {
    private MetricGauges() {
    }

    /** {@code pastDistinctBound}: tenants' distinct-count metrics read from the database because they passed the bound of distinct values. */
    public static void register(Telemetry telemetry, IntSupplier pastDistinctBound) {
        Gauge.builder("eventwire.distinct.metrics.past.bound", pastDistinctBound, IntSupplier::getAsInt)
                .description("Tenants' distinct-count metrics read from the database because they hold more distinct values than --max-distinct-values")
                .strongReference(true) // a method reference has no other owner; Micrometer holds gauge objects weakly by default
                .register(telemetry.registry());
    }
}
