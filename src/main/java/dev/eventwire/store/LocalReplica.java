package dev.eventwire.store;

import java.time.Instant;
import java.util.List;

/** The replica directory of a single-owner store: this process is the only replica. */
public final class LocalReplica implements ReplicaDirectory {
    private final String id;
    private final String version;
    private final Instant startedAt;
    private volatile Replica current;

    public LocalReplica(String id, String version, Instant startedAt) {
        this.id = id;
        this.version = version;
        this.startedAt = startedAt;
        this.current = new Replica(id, startedAt, startedAt, 0, version, "");
    }

    @Override
    public java.util.Optional<Instant> beat(Instant now, int inFlight, String settings) {
        current = new Replica(id, startedAt, now, inFlight, version, settings);
        return java.util.Optional.empty(); // the data folder's lock keeps a second process out
    }

    @Override
    public List<Replica> list() {
        return List.of(current);
    }

    @Override
    public String selfId() {
        return id;
    }

    @Override
    public java.util.Optional<Instant> lastHeartbeatOfThisId() {
        return java.util.Optional.empty(); // nothing stored: the data folder's lock keeps a second process out
    }

    @Override
    public void leave() {
        // nothing stored
    }
}
