package dev.eventwire.metrics;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds new metric contributions into the per-minute rollups in the background, so ingest pays only for
 * appending them. Reads stay exact meanwhile: they add the contributions not yet folded.
 *
 * <p>A round folds everything new, then the worker waits an interval before the next one, unless the
 * round found a backlog (after a restart or a burst): folding a second's contributions at once costs the
 * store a fraction of folding each commit's few as they come.
 */
public final class RollupWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RollupWorker.class);

    /** Contributions in one round that mean a backlog is being worked off: go again at once. */
    private static final long BACKLOG = 20_000;

    private final MetricStore store;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running;
    /** The failure being retried, so it is logged when it starts and when it ends, not every interval. */
    private volatile String failure;

    public RollupWorker(MetricStore store, Duration interval) {
        this.store = store;
        this.interval = interval;
        this.thread = Thread.ofPlatform().name("eventwire-metric-rollup").daemon(true).unstarted(this::loop);
    }

    public void start() {
        running = true;
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                long folded = store.rollUp();
                if (failure != null) {
                    log.info("metric rollups work again");
                    failure = null;
                }
                if (folded < BACKLOG) Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) return; // stopping: the store closes under the round
                if (failure == null) log.warn("metric rollup failed (reads stay exact; retrying quietly until it works): {}", e.getMessage());
                failure = String.valueOf(e.getMessage());
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /** The failure the worker keeps retrying, if any. */
    public java.util.Optional<String> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
