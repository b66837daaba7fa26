package dev.eventwire.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Port: who is serving. Each replica records itself and beats a heartbeat; any replica lists them all. */
public interface ReplicaDirectory {
    /** A replica whose last heartbeat is older than this is silent: not counted when sharing caps, its lapsed leases taken first. */
    Duration LIVE_WITHIN = Duration.ofSeconds(5);

    /**
     * Records (or refreshes) this replica's row: its start, a heartbeat, what it has in flight, the settings
     * every replica must share (as text, compared by the caller). Returns the
     * start of another live process found to have written this replica's row since this one's last beat:
     * two processes given one replica id, which share a row and count as one replica.
     */
    java.util.Optional<Instant> beat(Instant now, int inFlight, String settings);

    List<Replica> list();

    /** This replica's id. */
    String selfId();

    /**
     * The last heartbeat stored under this replica's id by whichever process wrote it: before this process's
     * first beat, that of a predecessor (stopped by a crash) or of another live process given the same id.
     */
    java.util.Optional<Instant> lastHeartbeatOfThisId();

    /** Removes this replica's row (graceful stop). */
    void leave();

    /** {@code settings}: as the replica published them; empty from a version that publishes none. */
    record Replica(String id, Instant startedAt, Instant lastHeartbeatAt, int inFlight, String version, String settings) {
    }
}
