package dev.eventwire.observability;

import dev.eventwire.delivery.DeliveryEngine;
import dev.eventwire.delivery.PendingDeliveries;
import io.micrometer.core.instrument.Gauge;
import java.time.Clock;
import java.time.Duration;

/**
 * Gauges read at scrape time: the delivery engine's lanes and requests in flight, the pending backlog and
 * how long its oldest due delivery has waited, whether the store writes.
 */
public final class EngineGauges {
    /** The pending count and the oldest due delivery are one query: at most one per this period. */
    static final Duration PENDING_MAX_AGE = Duration.ofSeconds(5);

    private EngineGauges() {
    }

    /** {@code writable}: whether the store takes writes now (what {@code /health} answers 503 for when not). */
    public static void register(Telemetry telemetry, DeliveryEngine engine, PendingDeliveries pending, java.util.function.BooleanSupplier writable,
                                Clock clock) {
        Gauge.builder("eventwire.store.writable", writable, w -> w.getAsBoolean() ? 1 : 0)
                .description("1 while the store takes writes, 0 while it cannot (a full disk, a database that does not answer)")
                .strongReference(true).register(telemetry.registry());
        Gauge.builder("eventwire.delivery.lanes", engine, e -> e.load().lanes())
                .description("Webhooks with a delivery lane in this process").register(telemetry.registry());
        Gauge.builder("eventwire.delivery.in.flight", engine, e -> e.load().inFlight())
                .description("Delivery requests under way").register(telemetry.registry());
        Gauge.builder("eventwire.delivery.held", engine, e -> e.load().held())
                .description("Deliveries queued in lanes, in flight or waiting for their outcome to be written").register(telemetry.registry());
        RecentReading<PendingDeliveries.Backlog> backlog = new RecentReading<>(() -> pending.read(clock.instant()), PENDING_MAX_AGE);
        Gauge.builder("eventwire.deliveries.pending", backlog, b -> b.get().map(r -> (double) r.pending()).orElse(Double.NaN))
                .description("Deliveries pending (due now or waiting for a retry), counted at most every 5 s; NaN while it cannot be counted")
                .strongReference(true) // the reading has no other owner; Micrometer holds gauge objects weakly by default
                .register(telemetry.registry());
        Gauge.builder("eventwire.delivery.oldest.due", backlog, b -> b.get().map(r -> r.oldestDueFor().toMillis() / 1000.0).orElse(Double.NaN))
                .description("How long the pending delivery due the longest had been due, 0 when none is; read at most every 5 s, NaN while it cannot be")
                .baseUnit("seconds")
                .strongReference(true)
                .register(telemetry.registry());
    }
}
