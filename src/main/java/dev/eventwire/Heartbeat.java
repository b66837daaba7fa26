package dev.eventwire;

import dev.eventwire.delivery.DeliveryEngine;
import dev.eventwire.store.ReplicaDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    /** When a beat last found another live process writing this replica's row, and that process's start. */
    private volatile Instant twinSeenAt;
    private volatile Instant twinStartedAt;
    /** How long after the last sighting a twin is still reported: beats of two twins need not alternate. */
    private static final Duration TWIN_REPORTED_FOR = Duration.ofSeconds(30);
    private final SharedSettings settings;
    /** {@link #settings} as the heartbeat row holds them, written with every beat. */
    private final String settingsText;
    /** The live replicas whose settings differ from this one's, and how; empty when they all agree. */
    private volatile String settingsDiffer = "";

    Heartbeat(ReplicaDirectory replicas, DeliveryEngine engine, Clock clock, Duration interval, SharedSettings settings) {
        this.replicas = replicas;
        this.settings = settings;
        this.settingsText = settings.encoded();
        this.engine = engine;
        this.clock = clock;
        this.interval = interval;
        this.thread = Thread.ofPlatform().name("eventwire-heartbeat").daemon(true).unstarted(this::loop);
    }

    /**
     * Whether another live process uses this replica's id, judged before this one's first beat: the row under
     * the id has a recent heartbeat, and it advances while this one watches for two intervals. A row left by
     * a predecessor stopped by a crash does not advance; a clean stop removes the row, so a restart after one
     * does not wait.
     */
    boolean anotherLiveProcessUsesThisId() {
        java.util.Optional<Instant> first = replicas.lastHeartbeatOfThisId();
        if (first.isEmpty() || first.get().isBefore(clock.instant().minus(ReplicaDirectory.LIVE_WITHIN))) return false;
        try {
            Thread.sleep(interval.multipliedBy(2).plusMillis(500).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true; // not known: the leases are left to lapse, which is never wrong
        }
        java.util.Optional<Instant> later = replicas.lastHeartbeatOfThisId();
        return later.isPresent() && later.get().isAfter(first.get());
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
            replicas.beat(now, engine.inFlight(), settingsText).ifPresent(started -> {
                if (twinSeenAt == null || twinSeenAt.isBefore(now.minus(TWIN_REPORTED_FOR))) {
                    log.warn("another live process uses this replica's id (it started at {}): give each replica its own --replica-id;"
                            + " two with one id share a heartbeat row, count as one replica and each take the whole of its share of a webhook's"
                            + " connections", started);
                }
                twinStartedAt = started;
                twinSeenAt = now;
            });
            List<ReplicaDirectory.Replica> live = replicas.list().stream()
                    .filter(r -> !r.lastHeartbeatAt().isBefore(now.minus(ReplicaDirectory.LIVE_WITHIN))).toList();
            engine.shareCapsAmong(Math.max(1, live.size()));
            compareSettings(live);
        } catch (RuntimeException e) {
            log.debug("heartbeat failed: {}", e.getMessage());
        }
    }

    /** Notes (and logs, when it changes) which live replicas run with settings other than this one's. */
    private void compareSettings(List<ReplicaDirectory.Replica> live) {
        String differ = live.stream()
                .filter(r -> !r.id().equals(replicas.selfId()))
                .map(r -> java.util.Map.entry(r.id(), settings.differingFrom(SharedSettings.decode(r.settings()))))
                .filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")")
                .collect(java.util.stream.Collectors.joining("; "));
        if (!differ.equals(settingsDiffer) && !differ.isEmpty()) {
            log.warn("replicas run with settings other than this one's: {}; give every replica the same settings (each sends, retries"
                    + " and disables with its own)", differ);
        }
        if (!differ.equals(settingsDiffer) && differ.isEmpty()) log.info("every live replica runs with this one's settings again");
        settingsDiffer = differ;
    }

    /** The live replicas whose settings differ from this one's, naming the options: what {@code /health} reports. */
    java.util.Optional<String> settingsDiffer() {
        String differ = settingsDiffer;
        return differ.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(differ);
    }

    /** Another live process using this replica's id, seen within the last 30 s: what {@code /health} reports. */
    java.util.Optional<String> twin() {
        Instant seen = twinSeenAt;
        if (seen == null || seen.isBefore(clock.instant().minus(TWIN_REPORTED_FOR))) return java.util.Optional.empty();
        return java.util.Optional.of("another live process uses this replica's id (it started at " + twinStartedAt
                + "): give each replica its own --replica-id");
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
