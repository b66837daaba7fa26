package dev.eventwire;

import dev.eventwire.delivery.DeliveryEngine;
import dev.eventwire.store.ReplicaDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's heartbeat: records it in the replica directory every interval, and shares each
 * webhook's in-flight cap among the replicas whose heartbeat is recent. Leaves the directory on close.
 */
final class Heartbeat implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);
    private final ReplicaDirectory replicas;
    private final DeliveryEngine engine;
    private final Clock clock;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running;

    Heartbeat(ReplicaDirectory replicas, DeliveryEngine engine, Clock clock, Duration interval) {
        this.replicas = replicas;
        this.engine = engine;
        this.clock = clock;
        this.interval = interval;
        this.thread = Thread.ofPlatform().name("eventwire-heartbeat").daemon(true).unstarted(this::loop);
    }

    void start() {
        running = true;
        beat();
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            beat();
        }
    }

    private void beat() {
        try {
            Instant now = clock.instant();
            replicas.beat(now, engine.inFlight());
            long live = replicas.list().stream().filter(r -> !r.lastHeartbeatAt().isBefore(now.minus(ReplicaDirectory.LIVE_WITHIN))).count();
            engine.shareCapsAmong((int) Math.max(1, live));
        } catch (RuntimeException e) {
            log.debug("heartbeat failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            replicas.leave();
        } catch (RuntimeException e) {
            log.debug("could not leave the replica directory: {}", e.getMessage());
        }
    }
}
