package dev.eventwire.store.postgres;

import dev.eventwire.store.Micros;
import dev.eventwire.store.ReplicaDirectory;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The replicas table: each replica upserts its row on every heartbeat; rows silent for long are dropped by any replica. */
final class PgReplicaDirectory implements ReplicaDirectory {
    /** A replica silent this long is gone (killed, partitioned); its row is removed. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    private final PgDatabase database;
    private final String id;
    private final String version;
    private final Instant startedAt;

    PgReplicaDirectory(PgDatabase database, String id, String version, Instant startedAt) {
        this.database = database;
        this.id = id;
        this.version = version;
        this.startedAt = startedAt;
    }

    /** This process has written its row at least once (a row found before that is its predecessor's, after a crash). */
    private volatile boolean beaten;

    @Override
    public Optional<Instant> beat(Instant now, int inFlight, String settings) {
        Optional<Instant> twin = database.inTransaction(c -> {
            Optional<Instant> other = Optional.empty();
            try (PreparedStatement ps = c.prepareStatement("SELECT started_us, last_heartbeat_us FROM replicas WHERE id = ? FOR UPDATE")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && beaten && rs.getLong(1) != Micros.of(startedAt) && rs.getLong(2) >= Micros.of(now.minus(LIVE_WITHIN))) {
                        other = Optional.of(Micros.toInstant(rs.getLong(1)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO replicas (id, version, started_us, last_heartbeat_us, in_flight, settings) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET version = excluded.version, started_us = excluded.started_us,
                        last_heartbeat_us = excluded.last_heartbeat_us, in_flight = excluded.in_flight, settings = excluded.settings""")) {
                ps.setString(1, id);
                ps.setString(2, version);
                ps.setLong(3, Micros.of(startedAt));
                ps.setLong(4, Micros.of(now));
                ps.setInt(5, inFlight);
                ps.setString(6, settings);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM replicas WHERE last_heartbeat_us < ?")) {
                ps.setLong(1, Micros.of(now.minus(FORGET_AFTER)));
                ps.executeUpdate();
            }
            return other;
        });
        beaten = true;
        return twin;
    }

    @Override
    public List<Replica> list() {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, started_us, last_heartbeat_us, in_flight, version, settings FROM replicas ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                List<Replica> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Replica(rs.getString(1), Micros.toInstant(rs.getLong(2)), Micros.toInstant(rs.getLong(3)), rs.getInt(4), rs.getString(5), rs.getString(6)));
                }
                return out;
            }
        });
    }

    @Override
    public String selfId() {
        return id;
    }

    @Override
    public Optional<Instant> lastHeartbeatOfThisId() {
        return database.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT last_heartbeat_us FROM replicas WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Micros.toInstant(rs.getLong(1))) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void leave() {
        database.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM replicas WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate();
            }
        });
    }
}
