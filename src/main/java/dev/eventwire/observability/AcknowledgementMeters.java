package dev.eventwire.observability;

import dev.eventwire.support.AcknowledgementObserver;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * How long acknowledging {@code POST /v1/events} takes inside the server
 * ({@code eventwire_ingest_acknowledgement_seconds}): from when the server began reading a request to when
 * its answer was ready, for requests answered 2xx. A producer measures more: the network, its own process
 * and, on busy cores, the wait before the server reads the request at all. When a producer's p99 is far
 * above this one, the time goes outside the request's own work (cores, connections); when the two are
 * close, compare with {@code eventwire_store_commit_seconds{writer="ingest-journal"}}, the forced journal
 * write every acknowledgement waits for.
 */
public final class AcknowledgementMeters implements AcknowledgementObserver {
    private final Timer timer;

    public AcknowledgementMeters(Telemetry telemetry) {
        this.timer = Timer.builder("eventwire.ingest.acknowledgement")
                .description("Time the server took to acknowledge an ingest request: from reading it to its 2xx answer")
                .serviceLevelObjectives(StoreMeters.BUCKETS)
                .register(telemetry.registry());
    }

    @Override
    public void acknowledged(long nanos) {
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }
}
