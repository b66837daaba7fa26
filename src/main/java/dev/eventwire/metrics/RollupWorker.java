package dev.eventwire.metrics;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds new metric contributions into the per-minute rollups in the background, so ingest pays only for
 * appending them. Reads stay exact meanwhile: they add the contributions not yet folded.
 */
public final class RollupWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RollupWorker.class);

    private final MetricStore store;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running;

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
                // A full batch means there is more to fold: go again at once.
                if (store.rollUp() == 0) Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("metric rollup failed (reads stay exact; retrying): {}", e.getMessage());
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
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
