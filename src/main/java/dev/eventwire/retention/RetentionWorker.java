package dev.eventwire.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what is older than the retention period, in the background, in steps of at most
 * {@link #STEP_ROWS} rows with a pause between them, so that no step holds the store for long and writers
 * keep their latency. Runs every {@code interval}; a failed round is logged once per state change and
 * tried again at the next.
 */
public final class RetentionWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RetentionWorker.class);
    static final int STEP_ROWS = 5_000;
    private static final Duration PAUSE_BETWEEN_STEPS = Duration.ofMillis(20);

    private final RetentionStore store;
    private final Clock clock;
    private final Duration retention;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean failing;

    public RetentionWorker(RetentionStore store, Clock clock, Duration retention, Duration interval) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
        this.interval = interval;
        this.thread = Thread.ofPlatform().name("eventwire-retention").daemon(true).unstarted(this::loop);
    }

    public void start() {
        running = true;
        thread.start();
    }

    /** One round: everything older than the retention period as of now, step by step; how many rows of each kind went. */
    public Map<Retained, Integer> runOnce() {
        Instant before = clock.instant().minus(retention);
        Map<Retained, Integer> removed = new EnumMap<>(Retained.class);
        for (Retained what : Retained.values()) {
            int total = 0;
            while (true) {
                int n = store.prune(what, before, STEP_ROWS);
                total += n;
                if (n < STEP_ROWS || !runningOrDirect()) break;
                pause();
            }
            removed.put(what, total);
        }
        return removed;
    }

    private boolean runningOrDirect() {
        return running || !thread.isAlive();
    }

    private void loop() {
        while (running) {
            try {
                Map<Retained, Integer> removed = runOnce();
                if (failing) log.info("retention works again");
                failing = false;
                if (removed.values().stream().anyMatch(n -> n > 0)) log.info("retention removed rows older than {}: {}", retention, removed);
            } catch (RuntimeException e) {
                if (!running) return; // stopped mid-round (a shutdown interrupts it): nothing failed
                if (!failing) log.warn("retention failed (tried again in {}): {}", interval, e.getMessage());
                failing = true;
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_BETWEEN_STEPS.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
