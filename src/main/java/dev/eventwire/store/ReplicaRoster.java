package dev.eventwire.store;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The replicas as an operator reads them: each with whether it is live (a heartbeat within
 * {@link ReplicaDirectory#LIVE_WITHIN}) or silent (killed, cut off, paused: its row stays until it has been
 * silent for 10 minutes, its last in-flight count with it, which once read as 20 requests under way on a
 * replica killed minutes before).
 */
public record ReplicaRoster(ReplicaDirectory directory, Clock clock) {
    public enum State { LIVE, SILENT }

    public record Entry(ReplicaDirectory.Replica replica, State state) {
    }

    public List<Entry> list() {
        Instant liveSince = clock.instant().minus(ReplicaDirectory.LIVE_WITHIN);
        return directory.list().stream()
                .map(r -> new Entry(r, r.lastHeartbeatAt().isBefore(liveSince) ? State.SILENT : State.LIVE))
                .toList();
    }
}
